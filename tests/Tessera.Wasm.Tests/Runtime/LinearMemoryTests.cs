using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>The pooled slots are shared by the whole process: tests that watch which slot comes
/// back run alone.</summary>
[CollectionDefinition(nameof(SlotPoolCollection), DisableParallelization = true)]
public sealed class SlotPoolCollection;

/// <summary>
/// Linear memories in native memory: growth in place inside the reservation, a move past it,
/// freeing with the store, and reuse of pooled slots. Expected values are the WebAssembly
/// semantics of the instructions used (memory.grow returns the old size; fresh memory is zero).
/// </summary>
[Collection(nameof(SlotPoolCollection))]
public class LinearMemoryTests
{
    private static readonly Engine s_engine = new();

    private const string Guest = """
        (module
          (memory (export "memory") 1)
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
          (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
          (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))
        """;

    private static int Call(Instance instance, string name, params int[] args) =>
        instance.GetFunc(name)!.Invoke(args.Select(Value.I32).ToArray()) is [var r] ? r.AsI32() : 0;

    [Fact]
    public void Growing_inside_the_reservation_keeps_the_base_address()
    {
        using var store = new Store(s_engine);
        var instance = new Linker().Instantiate(store, Module.FromText(s_engine, Guest));
        var memory = instance.GetMemory("memory")!;
        nint before = memory.Base;
        Call(instance, "store", 65532, 7);
        Assert.Equal(1, Call(instance, "grow", 100));
        Assert.Equal(before, memory.Base);
        Assert.Equal(7, Call(instance, "load", 65532));
        Assert.Equal(101L * Memory.PageSize, memory.ByteLength);
    }

    [Fact]
    public void Growing_past_the_reservation_moves_the_memory_with_its_contents()
    {
        using var store = new Store(s_engine);
        var instance = new Linker().Instantiate(store, Module.FromText(s_engine, Guest));
        var memory = instance.GetMemory("memory")!;
        nint before = memory.Base;
        Call(instance, "store", 100, 0x1234_5678);
        // No maximum: the reservation is 32 MiB = 512 pages, so 1 + 600 pages cannot fit in it.
        Assert.Equal(1, Call(instance, "grow", 600));
        Assert.NotEqual(before, memory.Base);
        Assert.Equal(0x1234_5678, Call(instance, "load", 100));
        Call(instance, "store", 600 * Memory.PageSize, 9);
        Assert.Equal(9, Call(instance, "load", 600 * Memory.PageSize));
        Assert.Equal(0, Call(instance, "load", 300 * Memory.PageSize));
    }

    [Fact]
    public void A_disposed_store_frees_its_memories_and_their_code_then_traps()
    {
        var store = new Store(s_engine);
        var instance = new Linker().Instantiate(store, Module.FromText(s_engine, Guest));
        Assert.Equal(Memory.PageSize, store.CommittedMemoryBytes);
        store.Dispose();
        Assert.Equal(0, store.CommittedMemoryBytes);
        Assert.Equal(0, instance.GetMemory("memory")!.Pages);
        var trap = Assert.Throws<WasmTrap>(() => Call(instance, "load", 0));
        Assert.Equal(TrapKind.MemoryOutOfBounds, trap.Kind);
        Assert.Equal(-1, Call(instance, "grow", 1));
    }

    [Fact]
    public void A_store_cannot_be_disposed_while_its_code_runs()
    {
        var store = new Store(s_engine);
        InvalidOperationException? refused = null;
        var linker = new Linker().Define("env", "dispose", Func.Wrap((Caller caller) =>
        {
            refused = Assert.Throws<InvalidOperationException>(() => caller.Store!.Dispose());
        }));
        var instance = linker.Instantiate(store, Module.FromText(s_engine, """
            (module
              (import "env" "dispose" (func $dispose))
              (memory 1)
              (func (export "run") (result i32)
                (i32.store (i32.const 8) (i32.const 42))
                (call $dispose)
                (i32.load (i32.const 8))))
            """));
        // The host function's attempt is refused and the memory stays the guest's.
        Assert.Equal(42, instance.GetFunc("run")!.Invoke()[0].AsI32());
        Assert.NotNull(refused);
        Assert.Equal(Memory.PageSize, store.CommittedMemoryBytes);
        // After the call it is allowed.
        store.Dispose();
        Assert.Equal(0, store.CommittedMemoryBytes);
    }

    [Fact]
    public void A_reused_slot_reads_as_zero()
    {
        // Earlier tests' undisposed stores give their slots back from finalizers; one that ran
        // between the two stores below pushed its slot on top of ours (seen once in CI). Finalize
        // them all first: nothing else runs beside this collection.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        nint first;
        using (var store = new Store(s_engine))
        {
            var instance = new Linker().Instantiate(store, Module.FromText(s_engine, Guest));
            first = instance.GetMemory("memory")!.Base;
            Call(instance, "grow", 3);
            for (int page = 0; page < 4; page++) Call(instance, "store", page * Memory.PageSize + 8, -1);
        }
        using (var store = new Store(s_engine))
        {
            var instance = new Linker().Instantiate(store, Module.FromText(s_engine, Guest));
            Call(instance, "grow", 3);
            // The pool hands back the slot just returned (last in, first out; this collection runs alone).
            Assert.Equal(first, instance.GetMemory("memory")!.Base);
            for (int page = 0; page < 4; page++) Assert.Equal(0, Call(instance, "load", page * Memory.PageSize + 8));
        }
    }

    [Fact]
    public void A_memory_the_embedder_makes_is_usable_through_its_span()
    {
        var memory = new Memory(new Store(s_engine), new MemoryType(new Limits(1, 2)));
        memory.Span[65535] = 5;
        Assert.Equal(1, memory.Grow(1));
        Assert.Equal(5, memory.Span[65535]);
        Assert.Equal(2 * Memory.PageSize, memory.Span.Length);
        Assert.Equal(-1, memory.Grow(1));
    }
}
