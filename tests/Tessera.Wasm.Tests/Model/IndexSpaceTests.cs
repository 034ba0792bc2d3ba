using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;
using Tessera.Wasm.Text;

// Not Tessera.Wasm.Tests.Model: that namespace would hide Tessera.Wasm.Model from the tests that
// write Model.ValType and the like.
namespace Tessera.Wasm.Tests.ModelTests;

/// <summary>
/// The typed accessors of <see cref="ModuleDefinition"/> against the spec's index-space rule (2.5.1:
/// each index space lists the imports of its kind first, in import order, then the definitions).
/// The expected indices below are worked out by hand from that rule, not read back from the model.
/// </summary>
public class IndexSpaceTests
{
    // Imports of every kind, interleaved, then one or two definitions of each kind. By the rule:
    //   functions: 0 = import f0 (type 1), 1 = import f1 (type 2), 2 = defined 0 (type 0), 3 = defined 1 (type 3)
    //   tables:    0 = import t0 (funcref, min 3), 1 = defined 0 (externref, min 5)
    //   memories:  0 = import m0 (1), 1 = defined 0 (2 4)
    //   globals:   0 = import g0 (i32), 1 = import g1 (mut i64), 2 = defined 0 (f64)
    //   tags:      0 = import e0 (type 3), 1 = defined 0 (type 1)
    private const string Wat = """
        (module
          (type $v (func))
          (type $i (func (param i32)))
          (type $l (func (result i64)))
          (type $ff (func (param f32 f64)))
          (import "m" "f0" (func (type $i)))
          (import "m" "t0" (table 3 funcref))
          (import "m" "g0" (global i32))
          (import "m" "m0" (memory 1))
          (import "m" "e0" (tag (type $ff)))
          (import "m" "f1" (func (type $l)))
          (import "m" "g1" (global (mut i64)))
          (table 5 externref)
          (memory 2 4)
          (tag (type $i))
          (global f64 (f64.const 0))
          (func (type $v))
          (func (type $ff) (local i32 i32 i32))
          (export "f" (func 3))
          (export "t" (table 1))
          (export "m" (memory 0))
          (export "g" (global 1))
          (export "e" (tag 1)))
        """;

    private static ModuleDefinition Decode() =>
        ModuleDecoder.Decode(WatAssembler.AssembleText(Wat, version: WatVersion.Wasm3), WasmFeatures.Wasm3);

    [Fact]
    public void ImportsComeFirstInEveryIndexSpace()
    {
        var module = Decode();
        Assert.Equal((2, 1, 1, 2, 1), (module.ImportedFunctionCount, module.ImportedTableCount, module.ImportedMemoryCount, module.ImportedGlobalCount, module.ImportedTagCount));
        Assert.Equal((4, 2, 2, 3, 2), (module.TotalFunctionCount, module.TotalTableCount, module.TotalMemoryCount, module.TotalGlobalCount, module.TotalTagCount));

        Assert.Equal(new TypeIndex(1), module.FunctionTypeIndex(new FuncIndex(0)));
        Assert.Equal(new TypeIndex(2), module.FunctionTypeIndex(new FuncIndex(1)));
        Assert.Equal(new TypeIndex(0), module.FunctionTypeIndex(new FuncIndex(2)));
        Assert.Equal(new TypeIndex(3), module.FunctionTypeIndex(new FuncIndex(3)));
        Assert.Equal(new FuncType([ValType.F32, ValType.F64], []), module.FunctionType(new FuncIndex(3)));
        Assert.Equal(new FuncType([], [ValType.I64]), module.FunctionType(new FuncIndex(1)));

        Assert.Equal(new TableType(ValType.FuncRef, new Limits(3, null)), module.TableType(new TableIndex(0)));
        Assert.Equal(new TableType(ValType.ExternRef, new Limits(5, null)), module.TableType(new TableIndex(1)));
        Assert.Equal(new Limits(1, null), module.MemoryType(new MemoryIndex(0)).Limits);
        Assert.Equal(new Limits(2, 4), module.MemoryType(new MemoryIndex(1)).Limits);
        Assert.Equal(new GlobalType(ValType.I32, false), module.GlobalType(new GlobalIndex(0)));
        Assert.Equal(new GlobalType(ValType.I64, true), module.GlobalType(new GlobalIndex(1)));
        Assert.Equal(new GlobalType(ValType.F64, false), module.GlobalType(new GlobalIndex(2)));
        Assert.Equal(new TypeIndex(3), module.TagTypeIndex(new TagIndex(0)));
        Assert.Equal(new TypeIndex(1), module.TagTypeIndex(new TagIndex(1)));
    }

    [Fact]
    public void DefinedIndicesConvertThroughTheModule()
    {
        var module = Decode();
        Assert.Equal(new FuncIndex(2), module.ToIndex(new DefinedFuncIndex(0)));
        Assert.Equal(new FuncIndex(3), module.ToIndex(new DefinedFuncIndex(1)));
        Assert.Equal(new TableIndex(1), module.ToIndex(new DefinedTableIndex(0)));
        Assert.Equal(new MemoryIndex(1), module.ToIndex(new DefinedMemoryIndex(0)));
        Assert.Equal(new GlobalIndex(2), module.ToIndex(new DefinedGlobalIndex(0)));
        Assert.Equal(new TagIndex(1), module.ToIndex(new DefinedTagIndex(0)));

        Assert.True(module.TryGetDefined(new FuncIndex(3), out var function));
        Assert.Equal(new DefinedFuncIndex(1), function);
        Assert.False(module.TryGetDefined(new FuncIndex(1), out _));
        Assert.False(module.TryGetDefined(new FuncIndex(4), out _));
        Assert.True(module.TryGetDefined(new TableIndex(1), out var table));
        Assert.Equal(new DefinedTableIndex(0), table);
        Assert.False(module.TryGetDefined(new TableIndex(0), out _));
        Assert.True(module.TryGetDefined(new MemoryIndex(1), out var memory));
        Assert.Equal(new DefinedMemoryIndex(0), memory);
        Assert.False(module.TryGetDefined(new GlobalIndex(1), out _));
        Assert.True(module.TryGetDefined(new GlobalIndex(2), out var global));
        Assert.Equal(new DefinedGlobalIndex(0), global);
        Assert.True(module.TryGetDefined(new TagIndex(1), out var tag));
        Assert.Equal(new DefinedTagIndex(0), tag);
        Assert.False(module.TryGetDefined(new TagIndex(0), out _));

        // A defined function's type and body by its defined index: the second body declares 3 locals.
        Assert.Equal(new TypeIndex(3), module.FunctionTypeIndex(new DefinedFuncIndex(1)));
        Assert.Equal(3, module.Body(new DefinedFuncIndex(1)).LocalCount);
        Assert.Equal(0, module.Body(new DefinedFuncIndex(0)).LocalCount);
        Assert.Equal(ValType.F64, module.Global(new DefinedGlobalIndex(0)).Type.Type);
    }

    [Fact]
    public void ExportsCarryTheIndexOfTheirOwnSpace()
    {
        var module = Decode();
        Assert.Equal(
            [
                new FuncExport("f", new FuncIndex(3)),
                new TableExport("t", new TableIndex(1)),
                new MemoryExport("m", new MemoryIndex(0)),
                new GlobalExport("g", new GlobalIndex(1)),
                new TagExport("e", new TagIndex(1)),
            ],
            module.Exports);
        Assert.Equal([ExternKind.Func, ExternKind.Table, ExternKind.Memory, ExternKind.Global, ExternKind.Tag], module.Exports.Select(e => e.Kind));
    }

    [Fact]
    public void AnIndexOutsideItsSpaceIsATypedError()
    {
        var module = Decode();
        var function = Assert.Throws<ArgumentOutOfRangeException>(() => module.FunctionType(new FuncIndex(4)));
        Assert.Equal(new FuncIndex(4), function.ActualValue);
        Assert.Contains("function 4 is out of range: the module has 4 functions (2 imported)", function.Message, StringComparison.Ordinal);

        var type = Assert.Throws<ArgumentOutOfRangeException>(() => module.Type(new TypeIndex(4)));
        Assert.Contains("type 4 is out of range: the module has 4 types", type.Message, StringComparison.Ordinal);

        var table = Assert.Throws<ArgumentOutOfRangeException>(() => module.TableType(new TableIndex(2)));
        Assert.Contains("table 2 is out of range: the module has 2 tables (1 imported)", table.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => module.MemoryType(new MemoryIndex(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => module.GlobalType(new GlobalIndex(3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => module.TagTypeIndex(new TagIndex(2)));

        var defined = Assert.Throws<ArgumentOutOfRangeException>(() => module.ToIndex(new DefinedFuncIndex(2)));
        Assert.Contains("defined function 2 is out of range: the module has 2 defined functions", defined.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => module.Body(new DefinedFuncIndex(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => module.ToIndex(new DefinedTableIndex(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => module.ElementSegment(new ElemIndex(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => module.DataSegment(new DataIndex(0)));
    }

    [Fact]
    public void AnIndexFarBeyondTheImportsIsNotWrappedIntoRange()
    {
        // uint.MaxValue - imported + 1 wraps to a small defined position if computed carelessly.
        var module = Decode();
        Assert.Throws<ArgumentOutOfRangeException>(() => module.FunctionTypeIndex(new FuncIndex(uint.MaxValue)));
        Assert.False(module.TryGetDefined(new FuncIndex(uint.MaxValue), out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => module.ToIndex(new DefinedFuncIndex(uint.MaxValue)));
    }
}
