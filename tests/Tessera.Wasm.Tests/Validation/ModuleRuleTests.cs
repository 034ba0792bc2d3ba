using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;
using Tessera.Wasm.Validation;
using static Tessera.Wasm.Tests.Validation.ValidationTestKit;

namespace Tessera.Wasm.Tests.Validation;

/// <summary>Rules outside function bodies: types, imports, tables, memories, globals, segments, start, exports.</summary>
public class ModuleRuleTests
{
    [Fact]
    public void ValidModuleWithEverySectionPasses() => Valid("""
        (module
          (type $t (func (param i32) (result i32)))
          (import "env" "f" (func $imp (type $t)))
          (import "env" "g" (global $gi i32))
          (import "env" "t" (table 1 funcref))
          (memory 1 2)
          (global $g (mut i64) (i64.const 7))
          (global $h funcref (ref.func $f))
          (global $k i32 (global.get $gi))
          (func $f (type $t) (local.get 0))
          (func $start)
          (start $start)
          (elem (i32.const 0) $f)
          (elem declare func $imp)
          (data (i32.const 8) "hello")
          (data "passive")
          (export "f" (func $f))
          (export "mem" (memory 0))
          (export "g" (global $g)))
        """);

    [Fact]
    public void NullModuleIsAnArgumentError() => Assert.Throws<ArgumentNullException>(() => ModuleValidator.Validate(null!));

    [Fact]
    public void FunctionWithUnknownTypeIndex() =>
        // Type section with one type, a function declaring type 5.
        InvalidBytes([0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 5, 10, 4, 1, 2, 0, 0x0B], "unknown type", null);

    [Fact]
    public void ImportWithUnknownTypeIndex() =>
        InvalidBytes([0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 2, 7, 1, 1, (byte)'m', 1, (byte)'f', 0, 3], "unknown type", null);

    [Fact]
    public void ErrorOutsideBodiesReportsTheSectionOffset()
    {
        // The model keeps no per-entry offsets: the start section's first byte is reported.
        var wasm = Assemble("(module (func $main (param i32)) (start $main))");
        var e = InvalidBytes(wasm, "start function", null);
        Assert.Equal((byte)SectionId.Start, wasm[e.Offset]);
    }

    [Theory]
    [InlineData("(module (table 2 1 funcref))")]
    [InlineData("(module (import \"m\" \"t\" (table 2 1 funcref)))")]
    [InlineData("(module (memory 2 1))")]
    [InlineData("(module (import \"m\" \"m\" (memory 2 1)))")]
    public void LimitsMinimumAboveMaximum(string wat) => Invalid(wat, "size minimum must not be greater than maximum", null);

    [Fact]
    public void TableOfMoreThan2To32ElementsInAModelBuiltDirectly()
    {
        // The binary format cannot encode it, but a model built by other means can hold it; with no
        // binary behind the model, the reported offset is 0.
        var builder = new ModuleDefinitionBuilder(ReadOnlyMemory<byte>.Empty);
        builder.Tables = [new TableType(ValType.FuncRef, new Limits(1UL << 32, null))];
        var module = builder.Build();
        var e = Assert.Throws<WasmValidationException>(() => ModuleValidator.Validate(module));
        Assert.Equal("table size must be at most 2^32-1", e.Rule);
        Assert.Equal(0, e.Offset);
    }

    [Theory]
    [InlineData("(module (memory 65537))")]
    [InlineData("(module (memory 0 65537))")]
    [InlineData("(module (import \"m\" \"m\" (memory 0 70000)))")]
    [InlineData("(module (memory 70000 65537))")]
    public void MemoryOfMoreThan4GiB(string wat) => Invalid(wat, "memory size must be at most 65536 pages (4GiB)", null);

    [Fact]
    public void MemoryOf4GiBIsValid() => Valid("(module (memory 65536 65536))");

    [Theory]
    [InlineData("(module (memory 1) (memory 1))")]
    [InlineData("(module (import \"m\" \"m\" (memory 1)) (memory 1))")]
    public void MultipleMemoriesNeedTheFeature(string wat)
    {
        Invalid(wat, "multiple memories", null);
        Valid(wat, WasmFeatures.Wasm2 | WasmFeatures.MultiMemory);
    }

    [Fact]
    public void MultipleTablesAreValidIn2() => Valid("(module (table 1 funcref) (table 1 externref))");

    [Theory]
    [InlineData("(module (global i32 (i32.add (i32.const 1) (i32.const 2))))")]
    [InlineData("(module (global i32 (i32.const 0) (nop)))")]
    [InlineData("(module (global f32 (f32.neg (f32.const 1))))")]
    [InlineData("(module (import \"m\" \"g\" (global (mut i32))) (global i32 (global.get 0)))")]
    [InlineData("(module (global i32 (local.get 0)))")]
    public void GlobalInitializerMustBeConstant(string wat) => Invalid(wat, "constant expression required", null);

    [Fact]
    public void ConstantExpressionErrorPointsAtTheInstruction() =>
        Invalid("(module (global i32 (i32.add (i32.const 1) (i32.const 2))))", "constant expression required", null, at: (byte)Opcode.I32Add);

    [Theory]
    [InlineData("(module (global i32 (i64.const 0)))")]
    [InlineData("(module (global i32 (i32.const 0) (i32.const 0)))")]
    [InlineData("(module (global i32))")]
    [InlineData("(module (global (import \"m\" \"g\") externref) (global funcref (global.get 0)))")]
    [InlineData("(module (global funcref (ref.null extern)))")]
    public void GlobalInitializerOfTheWrongType(string wat) => Invalid(wat, "type mismatch", null);

    [Theory]
    [InlineData("(module (global i32 (global.get 0)))")]
    [InlineData("(module (global i32 (i32.const 0)) (global i32 (global.get 0)))")]
    [InlineData("(module (import \"m\" \"g\" (global i32)) (global i32 (global.get 1)))")]
    public void GlobalInitializerSeesOnlyImportedGlobals(string wat) => Invalid(wat, "unknown global", null);

    [Fact]
    public void GlobalInitializerRefFuncOfUnknownFunction() => Invalid("(module (global funcref (ref.func 3)))", "unknown function", null);

    [Fact]
    public void ElementSegmentTypeMustMatchTheTable() =>
        Invalid("(module (table 1 funcref) (elem (table 0) (i32.const 0) externref (ref.null extern)))", "type mismatch", null);

    [Fact]
    public void ElementItemsMustHaveTheSegmentType() =>
        Invalid("(module (table 1 funcref) (elem (i32.const 0) funcref (ref.null extern)))", "type mismatch", null);

    [Fact]
    public void ElementOffsetMustBeI32() =>
        Invalid("(module (table 1 funcref) (func) (elem (i64.const 0) 0))", "type mismatch", null);

    [Fact]
    public void ElementSegmentNamingAnUnknownFunction() =>
        Invalid("(module (table 1 funcref) (func) (elem (i32.const 0) 0 7))", "unknown function", null);

    [Fact]
    public void ActiveElementSegmentForAMissingTable() =>
        Invalid("(module (func) (elem (i32.const 0) 0))", "unknown table", null);

    [Fact]
    public void ActiveDataSegmentForAMissingMemory() => Invalid("(module (data (i32.const 0) \"x\"))", "unknown memory", null);

    [Fact]
    public void DataOffsetMustBeI32() => Invalid("(module (memory 1) (data (i64.const 0) \"x\"))", "type mismatch", null);

    [Fact]
    public void PassiveSegmentsNeedNoTableOrMemory() => Valid("(module (func) (elem func 0) (data \"x\"))");

    [Theory]
    [InlineData("(module (func $main (result i32) (i32.const 0)) (start $main))")]
    [InlineData("(module (func $main (param i32)) (start $main))")]
    public void StartFunctionMustHaveTypeEmptyToEmpty(string wat) => Invalid(wat, "start function", null);

    [Fact]
    public void StartFunctionMustExist() =>
        InvalidBytes([0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 8, 1, 3], "unknown function", null);

    [Fact]
    public void DuplicateExportName() =>
        Invalid("(module (func) (global i32 (i32.const 0)) (export \"a\" (func 0)) (export \"a\" (global 0)))", "duplicate export name", null);

    [Theory]
    [InlineData("(module (export \"f\" (func 0)))", "unknown function")]
    [InlineData("(module (export \"t\" (table 0)))", "unknown table")]
    [InlineData("(module (export \"m\" (memory 0)))", "unknown memory")]
    [InlineData("(module (export \"g\" (global 0)))", "unknown global")]
    public void ExportOfAnUnknownIndex(string wat, string rule) => Invalid(wat, rule, null);

    [Fact]
    public void MutableGlobalsCanBeImportedAndExported() =>
        Valid("(module (import \"m\" \"g\" (global (mut i32))) (export \"g\" (global 0)))");
}
