using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;
using Tessera.Wasm.Text;

namespace Tessera.Wasm.Tests.Text;

public class WatAssemblerTests
{
    private static string Hex(string wat, WatVersion version = WatVersion.Wasm2) =>
        Convert.ToHexString(WasmSections.WithoutNameSection(WatAssembler.AssembleText(wat, "test", version))).ToLowerInvariant();

    private static WatSyntaxException Malformed(string wat, WatVersion version = WatVersion.Wasm2) =>
        Assert.Throws<WatSyntaxException>(() => WatAssembler.AssembleText(wat, "test", version));

    private const string Header = "0061736d01000000";

    [Fact]
    public void EmptyModuleIsTheHeader()
    {
        Assert.Equal(Header, Hex("(module)"));
        Assert.Equal(Header, Hex(""));
    }

    [Fact]
    public void AcceptsAModuleOrBareFields()
    {
        Assert.Equal(Hex("(module (func) (memory 1))"), Hex("(func) (memory 1)"));
        Assert.Equal("unexpected token", Malformed("(module) (module)").Rule);
        Assert.Equal("unexpected token", Malformed("(module) (func)").Rule);
    }

    // The expected bytes below are worked out by hand from the binary format (chapter 5), for
    // features wabt 1.0.32 does not assemble.

    [Fact]
    public void TryTableCatchLabelsAreOutsideTheTryTable()
    {
        // types: [i32]->[] (the tag, first in text order), []->[i32]; tag section (13) after function;
        // body: block i32, try_table i32 with one catch (0x00 tag 0 label 0 = $h), i32.const 1.
        Assert.Equal(
            Header + "0109026001 7f00 6000017f".Replace(" ", "") + "03020101" + "0d03010000" + "0a10010e00027f1f7f01000000 41010b0b0b".Replace(" ", ""),
            Hex("(tag $e (param i32)) (func (result i32) (block $h (result i32) (try_table (result i32) (catch $e $h) (i32.const 1))))"));
        Assert.Equal(
            Hex("(tag $e (param i32)) (func (result i32) (block $h (result i32) (try_table (result i32) (catch $e $h) (i32.const 1))))"),
            Hex("(tag $e (param i32)) (func (result i32) block $h (result i32) try_table (result i32) (catch $e $h) i32.const 1 end end)"));
        Assert.Equal("unknown label", Malformed("(func (try_table $t (catch_all $t)))").Rule);
        // catch_ref / catch_all / catch_all_ref are clause kinds 1, 2, 3.
        Assert.EndsWith("1f4003010000020003000b0b0b", Hex("(tag) (func (block (try_table (catch_ref 0 0) (catch_all 0) (catch_all_ref 0)))) "));
    }

    [Fact]
    public void TypedFunctionReferences()
    {
        // (ref null $t) = 0x63 0x00, (ref $t) = 0x64 0x00; the second function reuses type 0.
        Assert.Equal(
            Header + "010b02600000600263006400 00".Replace(" ", "") + "0303020100" + "0a0b0202000b0600d00014000b",
            Hex("(type $t (func)) (func (param (ref null $t)) (param (ref $t))) (func (call_ref $t (ref.null $t)))"));
    }

    [Fact]
    public void TableWithInitializerExpression()
    {
        // 0x40 0x00, then the table type (ref func = 0x64 0x70, limits 0 2), then the expression.
        Assert.Equal(
            Header + "0104016000000302010004" + "0a01400064700002d2000b" + "0a040102000b",
            Hex("(func $f) (table 2 (ref func) (ref.func $f))"));
    }

    [Fact]
    public void Table64WithInlineElements()
    {
        // limits flags 5 (maximum, 64-bit), min = max = 1; the segment's offset is i64.const 0.
        Assert.Equal(
            Header + "010401600000" + "03020100" + "04050170050101" + "090701004200 0b0100".Replace(" ", "") + "0a0401 02000b".Replace(" ", ""),
            Hex("(func $f) (table i64 funcref (elem $f))"));
    }

    [Fact]
    public void Memory64OffsetsAreUnsigned64Bit()
    {
        // i64.load align 3, offset 2^32 = LEB 80 80 80 80 10.
        Assert.Equal(
            Header + "010401600000" + "03020100" + "0503010401" + "0a0e010c004200290380808080101a0b",
            Hex("(memory i64 1) (func (drop (i64.load offset=0x1_0000_0000 (i64.const 0))))"));
        Assert.Equal("i32 constant out of range", Malformed("(memory 1) (func (drop (i64.load offset=0x1_0000_0000 (i32.const 0))))").Rule);
    }

    [Fact]
    public void VersionDecidesWhereTwoAndThreeDisagree()
    {
        Assert.Equal("i32 constant out of range", Malformed("(memory 0x1_0000_0000)").Rule);
        Assert.Equal(Header + "0507010080808080 10".Replace(" ", ""), Hex("(memory 0x1_0000_0000)", WatVersion.Wasm3));
        Assert.Equal("i32 constant out of range", Malformed("(table 0x1_0000_0000 funcref)").Rule);
        Assert.Equal("malformed lane index", Malformed("(func (drop (i8x16.extract_lane_s 256 (v128.const i64x2 0 0))))").Rule);
        Assert.Equal("i8 constant out of range", Malformed("(func (drop (i8x16.extract_lane_s 256 (v128.const i64x2 0 0))))", WatVersion.Wasm3).Rule);
    }

    [Fact]
    public void FlatAndFoldedFormsAgree()
    {
        Assert.Equal(
            Hex("(func (param i32) (result i32) (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.add (i32.const 2) (i32.const 3)))))"),
            Hex("(func (param i32) (result i32) local.get 0 if (result i32) i32.const 1 else i32.const 2 i32.const 3 i32.add end)"));
    }

    [Fact]
    public void FlatImmediatesStopAtTheNextInstruction()
    {
        Assert.Equal(
            Hex("(func (drop (v128.const i32x4 1 2 3 4)) (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (v128.const i64x2 0 0) (v128.const i64x2 0 0))))"),
            Hex("(func v128.const i32x4 1 2 3 4 drop v128.const i64x2 0 0 v128.const i64x2 0 0 i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 drop)"));
        Assert.Equal(
            Hex("(table 1 funcref) (func (param i32) (block (br_table 0 0 (local.get 0))) (drop (ref.null func)) (call_indirect (type 0) (i32.const 1) (i32.const 0)))"),
            Hex("(table 1 funcref) (func (param i32) block local.get 0 br_table 0 0 end ref.null func drop i32.const 1 i32.const 0 call_indirect (type 0))"));
    }

    [Fact]
    public void EmptyElseIsLeftOut()
    {
        Assert.Equal(Hex("(func (if (i32.const 0) (then nop)))"), Hex("(func (if (i32.const 0) (then nop) (else)))"));
        Assert.Equal(Hex("(func i32.const 0 if nop end)"), Hex("(func i32.const 0 if nop else end)"));
    }

    [Fact]
    public void LabelsShadowOuterLabelsOfTheSameName()
    {
        // br $l from the inner block is depth 0; br $a from inside $b is depth 1.
        Assert.EndsWith("02400240 0c00 0b0b0b".Replace(" ", ""), Hex("(func (block $l (block $l (br $l))))"));
        Assert.EndsWith("02400240 0c01 0b0b0b".Replace(" ", ""), Hex("(func (block $a (block $b (br $a))))"));
    }

    [Fact]
    public void ImplicitTypesAreAppendedAfterExplicitOnesInOrderOfUse()
    {
        var wasm = WatAssembler.AssembleText("""
            (func $a (param i64))
            (type $explicit (func))
            (func $b (block (param i32) (drop)) (call_indirect (param f32) (f32.const 0) (i32.const 0)))
            (func $c (type $explicit))
            (func $d (param i64))
            (table 1 funcref)
            """);
        var module = ModuleDecoder.Decode(wasm);
        Assert.Equal(["[] -> []", "[i64] -> []", "[i32] -> []", "[f32] -> []"], module.Types.Select(t => t.ToString()));
        Assert.Equal([1u, 0u, 0u, 1u], module.Functions.Select(t => t.Value));
    }

    [Fact]
    public void IdsBecomeTheNameSection()
    {
        var wasm = WatAssembler.AssembleText("""
            (module $mod
              (import "m" "f" (func $imported (param $p i32)))
              (func $first (param $x i32) (param i64) (local $y f32) (local f64))
              (func)
              (func $"with space"))
            """);
        var names = ModuleDecoder.Decode(wasm).Names!;
        Assert.Equal("mod", names.ModuleName);
        Assert.Equal(new Dictionary<FuncIndex, string> { [new(0)] = "imported", [new(1)] = "first", [new(3)] = "with space" }, names.FunctionNames);
        Assert.Equal(new Dictionary<LocalIndex, string> { [new(0)] = "p" }, names.LocalNames[new FuncIndex(0)]);
        Assert.Equal(new Dictionary<LocalIndex, string> { [new(0)] = "x", [new(2)] = "y" }, names.LocalNames[new FuncIndex(1)]);
        Assert.False(names.LocalNames.ContainsKey(new FuncIndex(2)));
    }

    [Fact]
    public void ModulesWithoutIdsHaveNoNameSection()
    {
        var wasm = WatAssembler.AssembleText("(func (param i32)) (memory 1)");
        Assert.Null(ModuleDecoder.Decode(wasm).Names);
    }

    [Theory]
    [InlineData("(func (call $nope))", "unknown function")]
    [InlineData("(func (local.get $nope))", "unknown local")]
    [InlineData("(func (global.get $nope))", "unknown global")]
    [InlineData("(func (drop (table.size $nope)))", "unknown table")]
    [InlineData("(func (drop (memory.size $nope)))", "unknown memory")]
    [InlineData("(func (elem.drop $nope))", "unknown elem segment")]
    [InlineData("(func (data.drop $nope))", "unknown data segment")]
    [InlineData("(func (type $nope))", "unknown type")]
    [InlineData("(func (param (ref $nope)))", "unknown type")]
    [InlineData("(func (br $nope))", "unknown label")]
    [InlineData("(func (block $l) (br $l))", "unknown label")]
    [InlineData("(func $f) (func $f)", "duplicate func")]
    [InlineData("(import \"m\" \"f\" (func $f)) (func $f)", "duplicate func")]
    [InlineData("(func (param $x i32) (local $x i32))", "duplicate local")]
    [InlineData("(global $g i32 (i32.const 0)) (global $g i32 (i32.const 0))", "duplicate global")]
    [InlineData("(memory $m 1) (memory $m 1)", "duplicate memory")]
    [InlineData("(table $t 1 funcref) (table $t 1 funcref)", "duplicate table")]
    [InlineData("(type $t (func)) (type $t (func))", "duplicate type")]
    [InlineData("(elem $e func) (elem $e func)", "duplicate elem")]
    [InlineData("(data $d \"\") (data $d \"\")", "duplicate data")]
    [InlineData("(type (func (param i32))) (func (type 0) (param i64))", "inline function type")]
    [InlineData("(type (func)) (func (type 0) (result i32))", "inline function type")]
    [InlineData("(func block $a end $b)", "mismatching label")]
    [InlineData("(func block end $b)", "mismatching label")]
    [InlineData("(func i32.const 0 if $a else $b end)", "mismatching label")]
    [InlineData("(func) (import \"m\" \"f\" (func))", "import after function")]
    [InlineData("(global i32 (i32.const 0)) (import \"m\" \"t\" (table 1 funcref))", "import after global")]
    [InlineData("(memory 1) (func (import \"m\" \"f\"))", "import after memory")]
    [InlineData("(table 1 funcref) (global (import \"m\" \"g\") i32)", "import after table")]
    [InlineData("(func $f) (start $f) (start $f)", "multiple start sections")]
    [InlineData("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))", "alignment must be a power of two")]
    [InlineData("(memory 1) (func (drop (i32.load align=0 (i32.const 0))))", "alignment must be a power of two")]
    [InlineData("(memory 1) (func (drop (i32.load align=-1 (i32.const 0))))", "unknown operator")]
    [InlineData("(memory 1) (func (drop (i32.load align=1 offset=1 (i32.const 0))))", "unexpected token")]
    [InlineData("(memory 1) (func (drop (i32.load offset=4294967296 (i32.const 0))))", "i32 constant out of range")]
    [InlineData("(memory 0x1_0000_0000)", "i32 constant out of range")]
    [InlineData("(func (drop (i32.const 0x1_0000_0000)))", "constant out of range")]
    [InlineData("(func (drop (i64.const -0x8000_0000_0000_0001)))", "constant out of range")]
    [InlineData("(func (drop (f32.const 0x1p128)))", "constant out of range")]
    [InlineData("(func (drop (f64.const nan:0x0)))", "constant out of range")]
    [InlineData("(func (drop (i32.const 1.5)))", "unexpected token")]
    [InlineData("(func (drop (i32.const)))", "unexpected token")]
    [InlineData("(func (drop (i32.const 0x)))", "unknown operator 0x")]
    [InlineData("(func (drop (f32.const nan:canonical)))", "unexpected token")]
    [InlineData("(func get_local 0)", "unknown operator get_local")]
    [InlineData("(func (i32.add0))", "unknown operator i32.add0")]
    [InlineData("(bogus)", "unknown operator bogus")]
    [InlineData("(func (nop) (local i32))", "unexpected token")]
    [InlineData("(func (local i32) (param i32))", "unexpected token")]
    [InlineData("(func (result i32) (param i32))", "unexpected token")]
    [InlineData("(func (block (param $x i32)))", "unexpected token")]
    [InlineData("(func end)", "unexpected token")]
    [InlineData("(func block)", "unexpected token")]
    [InlineData("(func (br_table))", "unexpected token")]
    [InlineData("(func (if (i32.const 0)))", "unexpected token")]
    [InlineData("(func (drop (v128.const i32x4 0 0 0)))", "wrong number of lane literals")]
    [InlineData("(func (drop (v128.const 0 0 0 0)))", "unexpected token")]
    [InlineData("(func (drop (v128.const i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)))", "constant out of range")]
    [InlineData("(func (drop (i8x16.extract_lane_s -1 (v128.const i64x2 0 0))))", "unexpected token")]
    [InlineData("(func (drop (i8x16.shuffle 0 1 2 (v128.const i64x2 0 0) (v128.const i64x2 0 0))))", "invalid lane length")]
    [InlineData("(func (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 1.5 (v128.const i64x2 0 0) (v128.const i64x2 0 0))))", "malformed lane index")]
    [InlineData("(func (export \"\\ff\"))", "malformed UTF-8 encoding")]
    [InlineData("(import \"\\c0\\80\" \"f\" (func))", "malformed UTF-8 encoding")]
    [InlineData("(func (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15.0) (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)))", "malformed lane index")]
    public void RejectsMalformedText(string wat, string rule)
    {
        var e = Malformed(wat);
        Assert.True(e.Rule.StartsWith(rule, StringComparison.Ordinal), $"expected \"{rule}\", got {e.Message}");
    }

    [Fact]
    public void ErrorsPointAtTheOffendingToken()
    {
        var e = Malformed("(module\n  (func\n    (call $missing)))");
        Assert.Equal((3, 11), (e.Position.Line, e.Position.Column));
        Assert.StartsWith("test:3:11: unknown function", e.Message);
    }

    [Theory]
    [InlineData("(type (struct))", "gc")]
    [InlineData("(rec (type (func)))", "gc")]
    [InlineData("(func (drop (struct.new 0)))", "gc")]
    [InlineData("(memory 1) (func (drop (i32.atomic.load (i32.const 0))))", "threads")]
    [InlineData("(func try end)", "legacy-exceptions")]
    [InlineData("(memory 1 (pagesize 1))", "custom-page-sizes")]
    public void UnencodedFeaturesAreReportedAsUnsupported(string wat, string feature)
    {
        var e = Assert.Throws<WasmUnsupportedFeatureException>(() => WatAssembler.AssembleText(wat));
        Assert.Equal(feature, e.Feature);
        Assert.Equal("unsupported feature: " + feature, e.Rule);
    }

    [Fact]
    public void ScriptModulesAssembleInEveryForm()
    {
        var commands = WastScript.Parse("""
            (module $a (func (export "f")))
            (module binary "\00asm" "\01\00\00\00")
            (module quote "(func (export \"f\"))")
            """);
        var binaries = commands.Cast<WastModuleCommand>().Select(c => WasmSections.WithoutNameSection(c.Module.ToBinary())).ToArray();
        Assert.Equal(binaries[0], binaries[2]);
        Assert.Equal(Convert.FromHexString(Header), binaries[1]);
    }

    [Fact]
    public void AStrayParenthesisIsReportedAfterEarlierErrors()
    {
        // The reference interpreter parses left to right: the bad lane comes before the extra ')'.
        Assert.Equal("malformed lane index", Malformed("(func (drop (i8x16.extract_lane_s 256 (v128.const i64x2 0 0))))) (func)").Rule);
        Assert.Equal("unexpected token", Malformed("(func)) (func)").Rule);
    }

    [Fact]
    public void TheDataCountSectionComesWithMemoryInitAndDataDrop()
    {
        var withDrop = WatAssembler.AssembleText("(memory 1) (data \"x\") (func (data.drop 0))");
        Assert.Equal(1u, ModuleDecoder.Decode(withDrop).DataCount);
        var without = WatAssembler.AssembleText("(memory 1) (data \"x\") (func)");
        Assert.Null(ModuleDecoder.Decode(without).DataCount);
    }

    [Fact]
    public void ElementSegmentsDecodeToTheirModes()
    {
        var module = ModuleDecoder.Decode(WatAssembler.AssembleText("""
            (table 2 funcref) (func $f)
            (elem (i32.const 0) $f)
            (elem func $f)
            (elem declare func $f)
            (elem (i32.const 1) funcref (ref.null func))
            """));
        Assert.Equal([SegmentMode.Active, SegmentMode.Passive, SegmentMode.Declarative, SegmentMode.Active], module.Elements.Select(e => e.Mode));
        Assert.NotNull(module.Elements[0].Functions);
        Assert.NotNull(module.Elements[3].Expressions);
    }
}
