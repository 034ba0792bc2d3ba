using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;
using Tessera.Wasm.Text;
using Tessera.Wasm.Validation;

namespace Tessera.Wasm.Tests.Text;

public class TypedTableElemTests
{
    [Fact]
    public void InlineElemOfATypedTableKeepsTheTableType()
    {
        // The spec's abbreviation (table $t reftype (elem x*)) makes a segment of the table's own
        // reference type; the index encodings would make it funcref and the module invalid.
        var wasm = WatAssembler.AssembleText("""
            (module
              (type $ft (func))
              (func $f (type $ft))
              (table $t (ref null $ft) (elem $f $f)))
            """, version: WatVersion.Wasm3);
        var module = ModuleDecoder.Decode(wasm, WasmFeatures.Wasm3);
        var segment = Assert.Single(module.Elements);
        Assert.Equal(ValType.Ref(HeapType.Concrete(new TypeIndex(0)), nullable: true), segment.ElementType);
        Assert.Null(segment.Functions);
        Assert.Equal(2, segment.Expressions!.Value.Length);
        // ref.func 0; end
        Assert.Equal(new byte[] { 0xD2, 0x00, 0x0B }, segment.Expressions.Value[0].Code.ToArray());
        ModuleValidator.Validate(module, WasmFeatures.Wasm3);
    }
}
