using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>
/// Multi-memory behaviour the proposal's scripts do not reach: memory.copy between two memories,
/// copies within a memory other than 0, and one memory imported twice (memory 0's cached buffer
/// must follow a grow through the other index). Expected bytes are worked out by hand.
/// </summary>
public class MultiMemoryTests
{
    private static readonly Engine s_engine = new(WasmFeatures.Wasm2 | WasmFeatures.MultiMemory);

    private static Instance Instantiate(string wat, Linker? linker = null, Store? store = null) =>
        (linker ?? new Linker()).Instantiate(store ?? new Store(s_engine), Module.FromText(s_engine, wat));

    private static int Call(Instance instance, string name, params int[] args) =>
        instance.GetFunc(name)!.Invoke(args.Select(Value.I32).ToArray()) is [var r] ? r.AsI32() : 0;

    private const string TwoMemories = """
        (module
          (memory $a (export "a") 1)
          (memory $b (export "b") 2 3)
          (data (memory $b) (i32.const 100) "\01\02\03\04\05")
          (func (export "b_to_a") (param i32 i32 i32) (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
          (func (export "a_to_b") (param i32 i32 i32) (memory.copy $b $a (local.get 0) (local.get 1) (local.get 2)))
          (func (export "b_to_b") (param i32 i32 i32) (memory.copy $b $b (local.get 0) (local.get 1) (local.get 2)))
          (func (export "load_a") (param i32) (result i32) (i32.load $a (local.get 0)))
          (func (export "load_b") (param i32) (result i32) (i32.load $b (local.get 0)))
          (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
          (func (export "size_a") (result i32) (memory.size $a))
          (func (export "size_b") (result i32) (memory.size $b)))
        """;

    [Fact]
    public void DataSegmentAndExportAddressTheRightMemory()
    {
        var instance = Instantiate(TwoMemories);
        Assert.Equal(1, instance.GetMemory("a")!.Pages);
        Assert.Equal(2, instance.GetMemory("b")!.Pages);
        Assert.Equal([1, 2, 3, 4, 5], instance.GetMemory("b")!.Span.Slice(100, 5).ToArray());
        Assert.Equal(0, Call(instance, "load_a", 100));
        // Bytes 01 02 03 04 little-endian.
        Assert.Equal(0x04030201, Call(instance, "load_b", 100));
    }

    [Fact]
    public void CopyMovesBytesBetweenMemoriesBothWays()
    {
        var instance = Instantiate(TwoMemories);
        Call(instance, "b_to_a", 8, 101, 4);
        Assert.Equal(0x05040302, Call(instance, "load_a", 8));
        Assert.Equal(0x04030201, Call(instance, "load_b", 100));
        // 70,000 is only inside b (two pages, 131,072 bytes).
        Call(instance, "a_to_b", 70_000, 8, 4);
        Assert.Equal(0x05040302, Call(instance, "load_b", 70_000));
    }

    [Fact]
    public void CopyBetweenMemoriesChecksEachRangeAgainstItsOwnMemory()
    {
        var instance = Instantiate(TwoMemories);
        // The source range is inside b but the destination is past a's 65,536 bytes: nothing moves.
        var trap = Assert.Throws<WasmTrap>(() => Call(instance, "b_to_a", 65_534, 100, 4));
        Assert.Equal(TrapKind.MemoryOutOfBounds, trap.Kind);
        Assert.Equal(0, Call(instance, "load_a", 65_532));
        // The destination fits in b but the source runs past the end of a.
        trap = Assert.Throws<WasmTrap>(() => Call(instance, "a_to_b", 0, 65_535, 2));
        Assert.Equal(TrapKind.MemoryOutOfBounds, trap.Kind);
        Assert.Equal(0, Call(instance, "load_b", 0));
    }

    [Fact]
    public void OverlappingCopyWithinMemoryOneIsAMemmove()
    {
        var instance = Instantiate(TwoMemories);
        // 01 02 03 04 05 at 100; copying 4 bytes from 100 to 101 gives 01 01 02 03 04.
        Call(instance, "b_to_b", 101, 100, 4);
        Assert.Equal([1, 1, 2, 3, 4], instance.GetMemory("b")!.Span.Slice(100, 5).ToArray());
    }

    [Fact]
    public void GrowingOneMemoryLeavesTheOtherAlone()
    {
        var instance = Instantiate(TwoMemories);
        Assert.Equal(2, Call(instance, "grow_b", 1));
        Assert.Equal(3, Call(instance, "size_b"));
        Assert.Equal(1, Call(instance, "size_a"));
        // The maximum of b is 3 pages.
        Assert.Equal(-1, Call(instance, "grow_b", 1));
        Assert.Equal(0x04030201, Call(instance, "load_b", 100));
    }

    [Fact]
    public void MemoryImportedTwiceSeesAGrowThroughEitherIndex()
    {
        var store = new Store(s_engine);
        var shared = new Memory(store, new MemoryType(new Limits(1, 4)));
        var linker = new Linker().Define("env", "mem", shared);
        var instance = Instantiate("""
            (module
              (import "env" "mem" (memory $x 1))
              (import "env" "mem" (memory $y 1))
              (func (export "grow_y_then_store_x") (result i32)
                (drop (memory.grow $y (i32.const 1)))
                ;; 70,000 is in the page just added; memory 0 must not use its old buffer.
                (i32.store $x (i32.const 70000) (i32.const 0x2a))
                (i32.add (memory.size $x) (i32.load $y (i32.const 70000)))))
            """, linker, store);
        // Two pages plus 42 from the load.
        Assert.Equal(2 + 42, Call(instance, "grow_y_then_store_x"));
        Assert.Equal(2, shared.Pages);
    }
}
