using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>Every memory, table and global belongs to one store, and so does a function an
/// instance defines: using one in another store is a typed error, raised before anything of the
/// new instance exists.</summary>
public class StoreOwnershipTests
{
    // Multi-memory: an importer of a memory defines one of its own as well.
    private static readonly Engine s_engine = new(WasmFeatures.Wasm2 | WasmFeatures.MultiMemory);

    /// <summary>Imports <c>env.item</c> of <paramref name="import"/>'s kind, defines a memory of its
    /// own and has a start function that would write 1 into it: so a test sees whether anything was
    /// instantiated.</summary>
    private static Module Importer(string import) => Module.FromText(s_engine, $$"""
        (module
          (import "env" "item" {{import}})
          (memory $own (export "own") 1)
          (func $start (i32.store $own (i32.const 0) (i32.const 1)))
          (start $start))
        """);

    private static Instance Exporter(Store store) => new Linker().Instantiate(store, Module.FromText(s_engine, """
        (module
          (memory (export "memory") 1)
          (table (export "table") 1 funcref)
          (global (export "global") (mut i32) (i32.const 7))
          (func (export "func")))
        """));

    public static TheoryData<string, string> Kinds() => new()
    {
        { "memory", "(memory 1)" },
        { "table", "(table 1 funcref)" },
        { "global", "(global (mut i32))" },
        { "func", "(func)" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_item_of_another_store_is_refused_before_anything_is_instantiated(string export, string import)
    {
        var owner = new Store(s_engine);
        var item = Exporter(owner).GetExport(export)!;
        Assert.Same(owner, item.Owner);
        var other = new Store(s_engine);
        var e = Assert.Throws<WasmLinkException>(() => new Linker().Define("env", "item", item).Instantiate(other, Importer(import)));
        Assert.Equal("import from another store", e.Rule);
        Assert.Equal("\"env\" \"item\"", e.Import);
        Assert.Contains($"the {export} belongs to another store", e.Message);
        // The importer's own memory was never made, so its start function never ran.
        Assert.Equal(0, other.CommittedMemoryBytes);
        // In its own store the same item links, and the start function runs.
        var instance = new Linker().Define("env", "item", item).Instantiate(owner, Importer(import));
        Assert.Equal(1, instance.GetMemory("own")!.Span[0]);
    }

    [Fact]
    public void The_instance_constructor_checks_ownership_as_the_linker_does()
    {
        var memory = new Memory(new Store(s_engine), new MemoryType(new Limits(1, null)));
        var other = new Store(s_engine);
        var e = Assert.Throws<WasmLinkException>(() => new Instance(other, Importer("(memory 1)"), [memory]));
        Assert.Equal("import from another store", e.Rule);
        Assert.Equal(0, other.CommittedMemoryBytes);
    }

    [Fact]
    public void A_host_function_belongs_to_no_store_until_an_instance_makes_it_a_reference()
    {
        var host = Func.Wrap(() => { });
        Assert.Null(host.Owner);
        var linker = new Linker().Define("env", "item", host);
        var module = Module.FromText(s_engine, """(module (import "env" "item" (func $f)) (export "f" (func $f)))""");
        var a = linker.Instantiate(new Store(s_engine), module);
        var b = linker.Instantiate(new Store(s_engine), module);
        // Exported, it is a reference bound to its importer, so of the importer's store.
        Assert.Same(a.Store, a.GetFunc("f")!.Owner);
        Assert.Same(b.Store, b.GetFunc("f")!.Owner);
    }

    [Fact]
    public void A_table_or_global_refuses_a_function_of_another_store()
    {
        var store = new Store(s_engine);
        var table = new Table(store, new TableType(ValType.FuncRef, new Limits(2, null)));
        var foreign = Exporter(new Store(s_engine)).GetFunc("func")!;
        var own = Exporter(store).GetFunc("func")!;
        Assert.Throws<ArgumentException>(() => table.Set(0, foreign));
        Assert.Null(table.Get(0));
        table.Set(1, own);
        Assert.Same(own, table.Get(1));
        Assert.Throws<ArgumentException>(() => table.Set(0, "not a function"));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Set(2, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Get(-1));

        var global = new Global(store, new GlobalType(ValType.FuncRef, Mutable: true), Value.Reference(ValType.FuncRef, null));
        Assert.Throws<ArgumentException>(() => global.Value = Value.Reference(ValType.FuncRef, foreign));
        Assert.Throws<ArgumentException>(() => new Global(store, new GlobalType(ValType.FuncRef, Mutable: false), Value.Reference(ValType.FuncRef, foreign)));
        global.Value = Value.Reference(ValType.FuncRef, own);
        Assert.Same(own, global.Value.Ref);
    }

    [Fact]
    public void A_global_refuses_a_value_of_another_type()
    {
        var store = new Store(s_engine);
        Assert.Throws<ArgumentException>(() => new Global(store, new GlobalType(ValType.I32, Mutable: false), Value.I64(1)));
        var global = new Global(store, new GlobalType(ValType.F64, Mutable: true), Value.F64(1.5));
        Assert.Throws<ArgumentException>(() => global.Value = Value.F32(2));
        Assert.Equal(1.5, global.Value.AsF64());
    }

    [Fact]
    public void Each_extern_says_what_it_is()
    {
        var exports = Exporter(new Store(s_engine)).Exports;
        Assert.Equal(ExternKind.Memory, exports["memory"].Kind);
        Assert.Equal(ExternKind.Table, exports["table"].Kind);
        Assert.Equal(ExternKind.Global, exports["global"].Kind);
        Assert.Equal(ExternKind.Func, exports["func"].Kind);
        Assert.IsType<Memory>(exports["memory"]);
        Assert.IsType<Table>(exports["table"]);
        Assert.IsType<Global>(exports["global"]);
        Assert.IsType<Func>(exports["func"]);
    }
}
