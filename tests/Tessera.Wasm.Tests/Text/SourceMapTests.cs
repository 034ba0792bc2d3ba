using Tessera.Wasm.Binary;
using Tessera.Wasm.Text;
using Tessera.Wasm.Validation;

namespace Tessera.Wasm.Tests.Text;

/// <summary>Validation errors in assembled text map back to the line and column of the instruction.</summary>
public class SourceMapTests
{
    private static TextPosition WhereInvalid(string text)
    {
        var wasm = WatAssembler.AssembleTextWithMap(text, out var map);
        var e = Assert.Throws<WasmValidationException>(() => ModuleValidator.Validate(ModuleDecoder.Decode(wasm)));
        Assert.True(map.TryFind(e.Offset, out var position), $"no mark at or before byte 0x{e.Offset:x}");
        return position;
    }

    [Fact]
    public void FlatInstruction()
    {
        var at = WhereInvalid("""
            (module
              (func (result i32)
                i32.const 1
                i64.const 2
                i32.add))
            """);
        Assert.Equal((5, 5), (at.Line, at.Column)); // i32.add pops an i64
    }

    [Fact]
    public void FoldedOperandsComeBeforeTheirInstruction()
    {
        // The folded i32.add is encoded after its operands; the bad operand is the f32.const.
        var at = WhereInvalid("""
            (module
              (func (result i32)
                (i32.add
                  (i32.const 1)
                  (f32.const 2))))
            """);
        Assert.Equal((3, 6), (at.Line, at.Column)); // the error is at i32.add, which pops an f32
    }

    [Fact]
    public void ElseBranchOfAFoldedIf()
    {
        var at = WhereInvalid("""
            (module
              (func (param i32) (result i32)
                (if (result i32) (local.get 0)
                  (then (i32.const 1))
                  (else (f32.const 2)))))
            """);
        // The branch ends with an f32 where the if promised an i32: reported at the end of the
        // else branch, which maps to the last instruction before it.
        Assert.Equal((5, 14), (at.Line, at.Column));
    }

    [Fact]
    public void SecondFunctionIsMappedPastTheFirst()
    {
        var at = WhereInvalid("""
            (module
              (func (result i32) i32.const 0)
              (func (result i32) i32.const 0 drop))
            """);
        Assert.Equal(3, at.Line);
    }
}
