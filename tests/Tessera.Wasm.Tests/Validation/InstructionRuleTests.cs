using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;
using static Tessera.Wasm.Tests.Validation.ValidationTestKit;

namespace Tessera.Wasm.Tests.Validation;

/// <summary>Rules of individual instructions in function bodies; each error names the function and the instruction.</summary>
public class InstructionRuleTests
{
    // Two imported functions and one valid function come first, so the invalid function is index 3.
    private static string InFourthFunction(string body, string extra = "") => $$"""
        (module
          (import "m" "a" (func))
          (import "m" "b" (func (param i32)))
          {{extra}}
          (func)
          (func {{body}}))
        """;

    [Fact]
    public void TypeMismatchNamesFunctionAndInstruction()
    {
        var e = Invalid(InFourthFunction("(drop (i32.add (i32.const 1) (i64.const 2)))"), "type mismatch", 3, at: (byte)Opcode.I32Add);
        Assert.Contains("expected i32, found i64", e.Message);
    }

    [Fact]
    public void MissingOperandIsATypeMismatch() => Invalid(InFourthFunction("(i32.eqz) (drop)"), "type mismatch", 3, at: (byte)Opcode.I32Eqz);

    [Fact]
    public void WrongResultAtTheEndOfTheFunction() =>
        Invalid("(module (func (result i32) (i64.const 0)))", "type mismatch", 0, at: (byte)Opcode.End);

    [Fact]
    public void ExtraValueAtTheEndOfTheFunction() =>
        Invalid("(module (func (i32.const 0)))", "type mismatch", 0, at: (byte)Opcode.End);

    [Theory]
    [InlineData("(local i32) (drop (local.get 1))", (byte)Opcode.LocalGet)]
    [InlineData("(local.set 0 (i32.const 0))", (byte)Opcode.LocalSet)]
    [InlineData("(param i32) (drop (local.tee 1 (i32.const 0)))", (byte)Opcode.LocalTee)]
    public void UnknownLocal(string body, byte at) => Invalid(InFourthFunction(body), "unknown local", 3, at);

    [Fact]
    public void LocalTypesFollowParametersThenDeclarations() => Valid("""
        (module (func (param i32 f64) (local i64 i64 f32)
          (drop (i32.add (local.get 0) (i32.const 1)))
          (drop (f64.neg (local.get 1)))
          (drop (i64.add (local.get 2) (local.get 3)))
          (local.set 4 (f32.const 1))))
        """);

    [Fact]
    public void LocalOfTheWrongType() =>
        Invalid(InFourthFunction("(param i32) (local f32) (local.set 1 (local.get 0))"), "type mismatch", 3, at: (byte)Opcode.LocalSet);

    [Fact]
    public void ManyLocalsAreLookedUpWithoutExpandingThem()
    {
        // 100,000 i64 locals then one f32, declared in a few bytes: more than the validator expands
        // for a body this short, so they are served by the binary search over declaration runs.
        var body = new List<byte> { 2, 0xA0, 0x8D, 0x06, 0x7E, 0x01, 0x7D };
        body.AddRange([0x20, 0xA0, 0x8D, 0x06, 0x0B]);
        byte[] module =
        [
            0, 0x61, 0x73, 0x6D, 1, 0, 0, 0,
            1, 5, 1, 0x60, 0, 1, 0x7D,
            3, 2, 1, 0,
            10, (byte)(body.Count + 2), 1, (byte)body.Count, .. body,
        ];
        ValidBytes(module);
        module[^5] = 0x20;
        module[^4] = 0x9F; // local.get 99999, an i64
        InvalidBytes(module, "type mismatch", 0, at: (byte)Opcode.End);
    }

    [Fact]
    public void UnknownGlobal() => Invalid(InFourthFunction("(drop (global.get 0))"), "unknown global", 3, at: (byte)Opcode.GlobalGet);

    [Fact]
    public void GlobalIsImmutable() =>
        Invalid(InFourthFunction("(global.set 0 (i32.const 1))", "(global i32 (i32.const 0))"), "global is immutable", 3, at: (byte)Opcode.GlobalSet);

    [Fact]
    public void ImportedGlobalIsImmutable() =>
        Invalid("(module (import \"m\" \"g\" (global i32)) (func (global.set 0 (i32.const 1))))", "global is immutable", 0, at: (byte)Opcode.GlobalSet);

    [Fact]
    public void UnknownFunction() => Invalid(InFourthFunction("(call 9)"), "unknown function", 3, at: (byte)Opcode.Call);

    [Fact]
    public void CallChecksArgumentsAndResults()
    {
        Valid("(module (func $f (param i32 i64) (result f32) (f32.const 0)) (func (drop (call $f (i32.const 0) (i64.const 0)))))");
        Invalid("(module (func $f (param i32 i64)) (func (call $f (i64.const 0) (i32.const 0))))", "type mismatch", 1, at: (byte)Opcode.Call);
    }

    [Fact]
    public void CallIndirectNeedsATable() =>
        Invalid(InFourthFunction("(call_indirect (i32.const 0))"), "unknown table", 3, at: (byte)Opcode.CallIndirect);

    [Fact]
    public void CallIndirectNeedsAFuncrefTable() =>
        Invalid(InFourthFunction("(call_indirect (i32.const 0))", "(table 1 externref)"), "type mismatch", 3, at: (byte)Opcode.CallIndirect);

    [Fact]
    public void CallIndirectWithUnknownType() =>
        // call_indirect type 7 table 0, in a module with one type and a funcref table.
        InvalidBytes(TableModule([0x41, 0, 0x11, 7, 0, 0x0B]), "unknown type", 0, at: (byte)Opcode.CallIndirect);

    [Fact]
    public void CallIndirectPopsTheIndexThenTheArguments() =>
        Valid("(module (type $t (func (param f64) (result i64))) (table 1 funcref) (func (drop (call_indirect (type $t) (f64.const 1) (i32.const 0)))))");

    [Fact]
    public void UnknownTable() => Invalid(InFourthFunction("(drop (table.size 0))"), "unknown table", 3);

    [Fact]
    public void TableInstructionsUseTheElementType()
    {
        Valid("""
            (module (table $t 1 externref) (table $u 1 funcref) (elem $e funcref (ref.null func))
              (func (param externref)
                (table.set $t (i32.const 0) (local.get 0))
                (drop (table.get $t (i32.const 0)))
                (drop (table.grow $t (local.get 0) (i32.const 1)))
                (table.fill $t (i32.const 0) (local.get 0) (i32.const 1))
                (table.copy $u $u (i32.const 0) (i32.const 0) (i32.const 0))
                (table.init $u $e (i32.const 0) (i32.const 0) (i32.const 0))
                (elem.drop $e)))
            """);
        Invalid("(module (table 1 externref) (func (table.set 0 (i32.const 0) (ref.null func))))", "type mismatch", 0);
        Invalid("(module (table 1 externref) (table 1 funcref) (func (table.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 0))))", "type mismatch", 0);
        Invalid("(module (table 1 externref) (elem funcref (ref.null func)) (func (table.init 0 0 (i32.const 0) (i32.const 0) (i32.const 0))))", "type mismatch", 0);
    }

    [Theory]
    [InlineData("(elem.drop 0)")]
    [InlineData("(table.init 0 (i32.const 0) (i32.const 0) (i32.const 0))")]
    public void UnknownElementSegment(string body) => Invalid(InFourthFunction(body, "(table 1 funcref)"), "unknown elem segment", 3);

    [Theory]
    [InlineData("(drop (i32.load (i32.const 0)))")]
    [InlineData("(i64.store (i32.const 0) (i64.const 0))")]
    [InlineData("(drop (memory.size))")]
    [InlineData("(drop (memory.grow (i32.const 0)))")]
    [InlineData("(memory.fill (i32.const 0) (i32.const 0) (i32.const 0))")]
    [InlineData("(memory.copy (i32.const 0) (i32.const 0) (i32.const 0))")]
    [InlineData("(drop (v128.load (i32.const 0)))")]
    public void UnknownMemory(string body) => Invalid(InFourthFunction(body), "unknown memory", 3);

    [Theory]
    [InlineData("(drop (i32.load align=8 (i32.const 0)))", (byte)Opcode.I32Load)]
    [InlineData("(drop (i64.load8_u align=2 (i32.const 0)))", (byte)Opcode.I64Load8U)]
    [InlineData("(f64.store align=16 (i32.const 0) (f64.const 0))", (byte)Opcode.F64Store)]
    [InlineData("(drop (v128.load align=32 (i32.const 0)))", (byte)0xFD)]
    public void AlignmentLargerThanNatural(string body, byte at) =>
        Invalid(InFourthFunction(body, "(memory 1)"), "alignment must not be larger than natural", 3, at);

    [Fact]
    public void NaturalAlignmentIsValid() => Valid("(module (memory 1) (func (drop (i64.load align=8 (i32.const 0))) (drop (i32.load16_s align=1 (i32.const 0)))))");

    [Fact]
    public void MemoryInstructionsTypeTheirOperands()
    {
        Valid("(module (memory 1) (func (result i32) (i32.store (i32.const 0) (i32.load (i32.const 4))) (memory.grow (memory.size))))");
        Invalid("(module (memory 1) (func (i32.store (i32.const 0) (i64.const 0))))", "type mismatch", 0, at: (byte)Opcode.I32Store);
        Invalid("(module (memory 1) (func (drop (i32.load (i64.const 0)))))", "type mismatch", 0, at: (byte)Opcode.I32Load);
    }

    [Fact]
    public void UnknownDataSegment() =>
        Invalid("(module (memory 1) (data \"x\") (func (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 0))))", "unknown data segment", 0);

    [Theory]
    [InlineData("(drop (i8x16.extract_lane_s 16 (v128.const i64x2 0 0)))")]
    [InlineData("(drop (i64x2.replace_lane 2 (v128.const i64x2 0 0) (i64.const 0)))")]
    [InlineData("(drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 32 (v128.const i64x2 0 0) (v128.const i64x2 0 0)))")]
    [InlineData("(drop (v128.load32_lane 4 (i32.const 0) (v128.const i64x2 0 0)))")]
    [InlineData("(v128.store8_lane 16 (i32.const 0) (v128.const i64x2 0 0))")]
    public void InvalidLaneIndex(string body) => Invalid(InFourthFunction(body, "(memory 1)"), "invalid lane index", 3, at: 0xFD);

    [Fact]
    public void LargestLaneIndexIsValid() =>
        Valid("(module (func (result i32) (i8x16.extract_lane_u 15 (v128.const i64x2 0 0))))");

    [Fact]
    public void SelectNeedsOperandsOfOneNumberOrVectorType()
    {
        Valid("(module (func (result v128) (select (v128.const i64x2 0 0) (v128.const i64x2 1 1) (i32.const 0))))");
        Invalid("(module (func (result i32) (select (i32.const 0) (i64.const 1) (i32.const 0))))", "type mismatch", 0, at: (byte)Opcode.Select);
        Invalid("(module (func (select (ref.null func) (ref.null func) (i32.const 0)) (drop)))", "type mismatch", 0, at: (byte)Opcode.Select);
    }

    [Fact]
    public void TypedSelectAcceptsReferences() =>
        Valid("(module (func (result funcref) (select (result funcref) (ref.null func) (ref.null func) (i32.const 0))))");

    [Theory]
    [InlineData(new byte[] { 0x41, 0, 0x41, 0, 0x41, 0, 0x1C, 0x00, 0x0B })]
    [InlineData(new byte[] { 0x41, 0, 0x41, 0, 0x41, 0, 0x1C, 0x02, 0x7F, 0x7F, 0x0B })]
    public void TypedSelectNeedsExactlyOneType(byte[] body) =>
        InvalidBytes(Module(body), "invalid result arity", 0, at: (byte)Opcode.SelectTyped);

    [Fact]
    public void RefInstructions()
    {
        Valid("(module (func $f) (elem declare func $f) (func (result i32) (ref.is_null (ref.func $f))))");
        Invalid("(module (func (result i32) (ref.is_null (i32.const 0))))", "type mismatch", 0);
        Invalid("(module (func (drop (ref.func 5))))", "unknown function", 0);
    }

    [Fact]
    public void RefFuncNeedsADeclaration() =>
        Invalid("(module (func $f (drop (ref.func $f))))", "undeclared function reference", 0, at: (byte)Opcode.RefFunc);

    [Fact]
    public void StartSectionDoesNotDeclareAReference() =>
        Invalid("(module (start $f) (func $f (drop (ref.func $f))))", "undeclared function reference", 0);

    [Theory]
    [InlineData("(elem declare func $f)")]
    [InlineData("(elem func $f)")]
    [InlineData("(table 1 funcref) (elem (i32.const 0) funcref (ref.func $f))")]
    [InlineData("(export \"f\" (func $f))")]
    [InlineData("(global funcref (ref.func $f))")]
    public void ReferencesAreDeclaredOutsideBodies(string declaration) =>
        Valid($"(module {declaration} (func $f) (func (drop (ref.func $f))))");

    [Fact]
    public void RefNullWithAHugeTypeIndexIsRejectedNotCrashed() =>
        // ref.null 2^31 (found by fuzzing: the index does not fit HeapType).
        Assert.ThrowsAny<WasmException>(() => ValidBytes(Module([0xD0, 0x80, 0x80, 0x80, 0x80, 0x08, 0x1A, 0x0B]), All | WasmFeatures.FunctionReferences));

    [Fact]
    public void IllegalOpcodeIsMalformed() => MalformedBytes(Module([0x27, 0x0B]), "illegal opcode");

    [Fact]
    public void UnknownPrefixedOpcodeIsMalformed() => MalformedBytes(Module([0xFC, 0x7F, 0x0B]), "illegal opcode");

    [Fact]
    public void DataCountSectionRequiredIsMalformed() =>
        // wabt writes no data count section when the module has no data segments.
        MalformedBytes(Assemble("(module (memory 1) (func (data.drop 0)))"), "data count section required");

    /// <summary>One type [] -&gt; [], a funcref table of one element, and one function with <paramref name="body"/>.</summary>
    private static byte[] TableModule(byte[] body)
    {
        byte[] module = Module(body);
        // Insert a table section (id 4) after the function section.
        int codeSection = Array.IndexOf(module, (byte)SectionId.Code, 8 + 6 + 4);
        byte[] table = [4, 4, 1, 0x70, 0, 1];
        return [.. module.AsSpan(0, codeSection), .. table, .. module.AsSpan(codeSection)];
    }
}
