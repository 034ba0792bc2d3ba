using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>
/// Per-store limits: memory.grow and table.grow return -1 at the limit, instantiation past it
/// fails with a typed error, other stores go on. Expected counts are the limit divided by the page
/// size (64 KiB), worked out by hand.
/// </summary>
public class StoreLimitsTests
{
    private static readonly Engine s_engine = new();

    /// <summary>Grows one page at a time until memory.grow fails; returns how many grows succeeded.</summary>
    internal const string Grower = """
        (module
          (memory (export "memory") 1)
          (func (export "grow_until_refused") (result i32) (local $n i32)
            (block $done
              (loop $again
                (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))
                (br $again)))
            (local.get $n))
          (func (export "touch") (param i32) (i32.store8 (local.get 0) (i32.const 1))))
        """;

    [Fact]
    public void A_guest_growing_in_a_loop_stops_at_its_store_limit_and_others_go_on()
    {
        var module = Module.FromText(s_engine, Grower.Replace("(memory (export \"memory\") 1)", "(memory (export \"memory\") 1 200)"));
        using var limited = new Store(s_engine, limits: new StoreLimits { MemoryBytes = 10 * Memory.PageSize });
        using var free = new Store(s_engine);
        var a = new Linker().Instantiate(limited, module);
        var b = new Linker().Instantiate(free, module);

        // 1 page at start, 10 allowed: 9 grows succeed, the 10th returns -1.
        var grow = a.GetFunc("grow_until_refused")!.AsDelegate<Func<int>>();
        Assert.Equal(9, grow());
        Assert.Equal(10, a.GetMemory("memory")!.Pages);
        Assert.Equal(10L * Memory.PageSize, limited.CommittedMemoryBytes);
        // Still refused, and the memory still works.
        Assert.Equal(0, grow());
        a.GetFunc("touch")!.Invoke(Value.I32(10 * Memory.PageSize - 1));

        // The other store's instance of the same module is unaffected: it grows to its own
        // declared maximum of 200 pages, i.e. 199 grows from 1 page.
        var growB = b.GetFunc("grow_until_refused")!.AsDelegate<Func<int>>();
        Assert.Equal(199, growB());
        Assert.Equal(200L * Memory.PageSize, free.CommittedMemoryBytes);
    }

    [Fact]
    public void Instantiating_past_the_memory_limit_fails_with_a_reason()
    {
        var module = Module.FromText(s_engine, "(module (memory 4))");
        using var store = new Store(s_engine, limits: new StoreLimits { MemoryBytes = 3 * Memory.PageSize });
        var error = Assert.Throws<WasmResourceLimitException>(() => new Linker().Instantiate(store, module));
        Assert.Equal("store memory limit", error.Rule);
        Assert.Equal(0, store.CommittedMemoryBytes);
    }

    [Fact]
    public void Memories_of_all_instances_of_a_store_count_together()
    {
        var module = Module.FromText(s_engine, "(module (memory 2))");
        using var store = new Store(s_engine, limits: new StoreLimits { MemoryBytes = 5 * Memory.PageSize });
        new Linker().Instantiate(store, module);
        new Linker().Instantiate(store, module);
        Assert.Equal(4L * Memory.PageSize, store.CommittedMemoryBytes);
        Assert.Throws<WasmResourceLimitException>(() => new Linker().Instantiate(store, module));
        Assert.Equal(4L * Memory.PageSize, store.CommittedMemoryBytes);
    }

    [Fact]
    public void Table_grow_returns_minus_one_at_the_store_limit()
    {
        var module = Module.FromText(s_engine, """
            (module
              (table 2 funcref)
              (func (export "grow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))
            """);
        using var store = new Store(s_engine, limits: new StoreLimits { TableElements = 10 });
        var instance = new Linker().Instantiate(store, module);
        var grow = instance.GetFunc("grow")!.AsDelegate<Func<int, int>>();
        Assert.Equal(2, grow(8));
        Assert.Equal(-1, grow(1));
        Assert.Equal(10, store.TableElements);
        Assert.Throws<WasmResourceLimitException>(() => new Linker().Instantiate(store, module));
    }

    [Fact]
    public void A_memory_over_the_engine_cap_fails_instantiation_with_a_reason()
    {
        // 40,000 pages is a valid minimum (at most 65,536) but above the 32,767 pages a memory may have.
        var module = Module.FromText(s_engine, "(module (memory 40000))");
        using var store = new Store(s_engine);
        var error = Assert.Throws<WasmResourceLimitException>(() => new Linker().Instantiate(store, module));
        Assert.Equal("memory too large", error.Rule);
        Assert.Equal(0, store.CommittedMemoryBytes);
    }
}
