using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary><see cref="Linker.InstantiatePre"/>: imports resolved and checked once, instantiated many times.</summary>
public class InstancePreTests
{
    private static readonly Engine s_engine = new();

    private static readonly Module s_counter = Module.FromText(s_engine, """
        (module
          (import "env" "step" (func $step (result i32)))
          (memory (export "memory") 1)
          (func (export "bump") (result i32)
            (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (call $step)))
            (i32.load (i32.const 0))))
        """);

    [Fact]
    public void One_pre_linked_module_makes_independent_instances()
    {
        int calls = 0;
        var pre = new Linker().DefineFunc("env", "step", () => { calls++; return 3; }).InstantiatePre(s_counter);
        Assert.Same(s_counter, pre.Module);
        Assert.Single(pre.Imports);
        var a = pre.Instantiate(new Store(s_engine));
        var b = pre.Instantiate(new Store(s_engine));
        Assert.Equal(3, a.GetFunc("bump")!.Invoke()[0].AsI32());
        Assert.Equal(6, a.GetFunc("bump")!.Invoke()[0].AsI32());
        // b's memory is its own: its count starts again.
        Assert.Equal(3, b.GetFunc("bump")!.Invoke()[0].AsI32());
        Assert.Equal(3, calls);
    }

    [Fact]
    public void A_missing_or_mistyped_import_is_found_when_pre_linking()
    {
        var missing = Assert.Throws<WasmLinkException>(() => new Linker().InstantiatePre(s_counter));
        Assert.Equal("unknown import", missing.Rule);
        Assert.Equal("\"env\" \"step\"", missing.Import);
        var mistyped = Assert.Throws<WasmLinkException>(() => new Linker().DefineFunc("env", "step", (long x) => x).InstantiatePre(s_counter));
        Assert.Equal("incompatible import type", mistyped.Rule);
        Assert.Contains("expected [] -> [i32], got [i64] -> [i64]", mistyped.Message);
        var wrongKind = Assert.Throws<WasmLinkException>(() => new Linker().Define("env", "step", new Memory(new Store(s_engine), new MemoryType(new Limits(1, null)))).InstantiatePre(s_counter));
        Assert.Equal("incompatible import type", wrongKind.Rule);
        Assert.Contains("expected func, got memory", wrongKind.Message);
    }

    [Fact]
    public void A_pre_linked_store_item_instantiates_only_in_its_store()
    {
        var owner = new Store(s_engine);
        var memory = new Memory(owner, new MemoryType(new Limits(1, null)));
        var module = Module.FromText(s_engine, """(module (import "env" "m" (memory 1)) (func (export "size") (result i32) (memory.size)))""");
        var pre = new Linker().Define("env", "m", memory).InstantiatePre(module);
        Assert.Equal(1, pre.Instantiate(owner).GetFunc("size")!.Invoke()[0].AsI32());
        var e = Assert.Throws<WasmLinkException>(() => pre.Instantiate(new Store(s_engine)));
        Assert.Equal("import from another store", e.Rule);
    }

    [Fact]
    public void Instantiating_from_many_threads_at_once_gives_each_its_own_instance()
    {
        var pre = new Linker().DefineFunc("env", "step", () => 1).InstantiatePre(s_counter);
        var results = new int[64];
        Parallel.For(0, results.Length, i =>
        {
            var instance = pre.Instantiate(new Store(s_engine));
            for (int k = 0; k < i % 5; k++) instance.GetFunc("bump")!.Invoke();
            results[i] = instance.GetFunc("bump")!.Invoke()[0].AsI32();
        });
        for (int i = 0; i < results.Length; i++) Assert.Equal(i % 5 + 1, results[i]);
    }
}
