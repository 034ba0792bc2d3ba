using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary><see cref="Store{T}"/> and <see cref="Caller{T}"/>: host functions read the store's
/// data typed, and only a store of that type may import them.</summary>
public class TypedStoreTests
{
    private static readonly Engine s_engine = new();

    private sealed class Counter
    {
        public long Total;
    }

    /// <summary>A custom delegate type: its adapter is generated IL, not a generic method.</summary>
    public delegate (int, long) Pair(Caller<string> caller, int a);

    private static readonly Module s_adds = Module.FromText(s_engine, """
        (module
          (import "env" "add" (func $add (param i64) (result i64)))
          (func (export "run") (result i64)
            (drop (call $add (i64.const 5)))
            (call $add (i64.const 37))))
        """);

    [Fact]
    public void A_host_function_reads_and_writes_its_stores_data()
    {
        var linker = new Linker().Define("env", "add", Func.Wrap((Caller<Counter> caller, long n) => caller.Data.Total += n));
        var first = new Store<Counter>(s_engine, new Counter());
        var second = new Store<Counter>(s_engine, new Counter { Total = 100 });
        Assert.Equal(42L, linker.Instantiate(first, s_adds).GetFunc("run")!.Invoke()[0].AsI64());
        Assert.Equal(142L, linker.Instantiate(second, s_adds).GetFunc("run")!.Invoke()[0].AsI64());
        Assert.Equal(42L, first.Data.Total);
        Assert.Equal(142L, second.Data.Total);
    }

    [Fact]
    public void The_data_can_be_replaced_from_a_host_function()
    {
        var store = new Store<Counter>(s_engine, new Counter());
        var replacement = new Counter { Total = 1000 };
        var linker = new Linker().Define("env", "add", Func.Wrap((Caller<Counter> caller, long n) =>
        {
            caller.Data = replacement;
            return caller.Data.Total += n;
        }));
        Assert.Equal(1042L, linker.Instantiate(store, s_adds).GetFunc("run")!.Invoke()[0].AsI64());
        Assert.Same(replacement, store.Data);
    }

    [Fact]
    public void A_generated_adapter_passes_the_typed_caller_too()
    {
        var linker = new Linker().Define("env", "pair", Func.Wrap(new Pair((caller, a) => (a + caller.Data.Length, caller.Data.Length * 10L))));
        var instance = linker.Instantiate(new Store<string>(s_engine, "four"), Module.FromText(s_engine, """
            (module
              (import "env" "pair" (func $pair (param i32) (result i32 i64)))
              (func (export "run") (result i32 i64) (call $pair (i32.const 3))))
            """));
        var results = instance.GetFunc("run")!.Invoke();
        Assert.Equal(7, results[0].AsI32());
        Assert.Equal(40L, results[1].AsI64());
    }

    [Fact]
    public void Only_a_store_of_the_functions_data_type_may_import_it()
    {
        var linker = new Linker().Define("env", "add", Func.Wrap((Caller<Counter> caller, long n) => caller.Data.Total += n));
        var untyped = new Store(s_engine);
        var e = Assert.Throws<WasmLinkException>(() => linker.Instantiate(untyped, s_adds));
        Assert.Equal("import needs other store data", e.Rule);
        Assert.Equal("\"env\" \"add\"", e.Import);
        Assert.Contains("Caller<Counter>", e.Message);
        Assert.Contains("a Store without data", e.Message);
        var wrong = Assert.Throws<WasmLinkException>(() => linker.Instantiate(new Store<string>(s_engine, "no"), s_adds));
        Assert.Contains("a Store<String>", wrong.Message);
        // Through a pre-linked module the same check holds: it depends on the store.
        var pre = linker.InstantiatePre(s_adds);
        Assert.Throws<WasmLinkException>(() => pre.Instantiate(untyped));
        Assert.Equal(42L, pre.Instantiate(new Store<Counter>(s_engine, new Counter())).GetFunc("run")!.Invoke()[0].AsI64());
    }

    [Fact]
    public void Called_by_the_embedder_a_typed_host_function_has_no_store_and_traps()
    {
        var add = Func.Wrap((Caller<Counter> caller, long n) => caller.Data.Total += n);
        var trap = Assert.Throws<WasmTrap>(() => add.Invoke(Value.I64(1)));
        Assert.Equal(TrapKind.HostError, trap.Kind);
        Assert.Contains("Store<Counter>", trap.Message);
    }

    [Fact]
    public void An_untyped_caller_sees_the_typed_store()
    {
        Store? seen = null;
        var linker = new Linker().Define("env", "add", Func.Wrap((Caller caller, long n) =>
        {
            seen = caller.Store;
            return n;
        }));
        var store = new Store<Counter>(s_engine, new Counter());
        linker.Instantiate(store, s_adds).GetFunc("run")!.Invoke();
        Assert.Same(store, seen);
    }
}
