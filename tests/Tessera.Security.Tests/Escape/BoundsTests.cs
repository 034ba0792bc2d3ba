using Tessera.Wasm.Runtime;

namespace Tessera.Security.Tests.Escape;

/// <summary>
/// Escape attempts through linear memory and tables. Every load and store width, at every
/// effective address from 32 bytes below the end of memory to 32 past it, with offsets that push
/// the address past 2^32: by the spec (4.4.7, "Memory Instructions") an access traps exactly
/// when address + offset + width exceeds the memory's size, and a trapped store writes nothing.
/// The expectation is that inequality, computed here, not an engine's output.
/// </summary>
public sealed class BoundsTests
{
    private static readonly Engine Engine = new();

    private static readonly (string Load, string Store, int Width)[] Accesses =
    [
        ("i32.load8_u", "i32.store8", 1), ("i32.load16_u", "i32.store16", 2), ("i32.load", "i32.store", 4),
        ("i64.load", "i64.store", 8), ("i64.load32_u", "i64.store32", 4), ("f32.load", "f32.store", 4),
        ("f64.load", "f64.store", 8), ("v128.load", "v128.store", 16),
    ];

    private static readonly long[] Offsets = [0, 1, 7, 65535, 65536, 4294967295];

    [Fact]
    public void AccessesTrapExactlyWhenTheyReachPastTheEnd()
    {
        const long size = 65536;
        int checkedCount = 0;
        foreach (var (load, store, width) in Accesses)
        {
            foreach (long offset in Offsets)
            {
                string type = load.Split('.')[0];
                // All-ones bytes in every type, so the written bytes can be counted.
                string ones = type switch { "v128" => "i64x2 -1 -1", "f32" => "-nan:0x7fffff", "f64" => "-nan:0xfffffffffffff", _ => "-1" };
                var module = Module.FromText(Engine, $$"""
                    (module (memory (export "mem") 1 1)
                      (func (export "load") (param i32) ({{load}} offset={{offset}} (local.get 0)) (drop))
                      (func (export "store") (param i32) ({{store}} offset={{offset}} (local.get 0) ({{type}}.const {{ones}}))))
                    """);
                var instance = new Linker().Instantiate(new Store(Engine), module);
                var memory = instance.GetMemory("mem")!;
                for (long address = size - 32 - offset; address <= size + 32 - offset; address++)
                {
                    if (address < 0 || address > uint.MaxValue) continue;
                    bool outOfBounds = address + offset + width > size;
                    var arg = Value.I32(unchecked((int)(uint)address));
                    var loadTrap = Record.Exception(() => instance.GetFunc("load")!.Invoke(arg));
                    var storeTrap = Record.Exception(() => instance.GetFunc("store")!.Invoke(arg));
                    if (outOfBounds)
                    {
                        Assert.Equal(TrapKind.MemoryOutOfBounds, Assert.IsType<Wasm.Runtime.WasmTrap>(loadTrap).Kind);
                        Assert.Equal(TrapKind.MemoryOutOfBounds, Assert.IsType<Wasm.Runtime.WasmTrap>(storeTrap).Kind);
                    }
                    else
                    {
                        Assert.Null(loadTrap);
                        Assert.Null(storeTrap);
                    }
                    checkedCount++;
                }
                // Stores that trapped wrote nothing: the bytes written are exactly the in-bounds stores'.
                int written = memory.Span.ToArray().Count(b => b == 0xff);
                long firstInBounds = Math.Max(0, size - 32 - offset);
                long lastStart = size - width - offset;
                long expected = lastStart < 0 ? 0 : lastStart + width + offset - (firstInBounds + offset);
                Assert.Equal(Math.Max(0, expected), written);
            }
        }
        Assert.True(checkedCount > 2000, $"{checkedCount} accesses");
    }

    [Fact]
    public void TableIndexAndSignatureConfusionTrap()
    {
        var instance = new Linker().Instantiate(new Store(Engine), Module.FromText(Engine, """
            (module
              (type $v (func (result i32)))
              (type $l (func (result i64)))
              (table 3 funcref)
              (elem (i32.const 0) $f $g)
              (func $f (result i32) (i32.const 7))
              (func $g (result i64) (i64.const 8))
              (func (export "call") (param i32) (result i32) (call_indirect (type $v) (local.get 0))))
            """));
        var call = instance.GetFunc("call")!;
        Assert.Equal(7, call.Invoke(Value.I32(0))[0].AsI32());
        // $g returns i64: calling it as (result i32) would reinterpret its result.
        Assert.Equal(TrapKind.IndirectCallTypeMismatch, Assert.Throws<Wasm.Runtime.WasmTrap>(() => call.Invoke(Value.I32(1))).Kind);
        Assert.Equal(TrapKind.UninitializedElement, Assert.Throws<Wasm.Runtime.WasmTrap>(() => call.Invoke(Value.I32(2))).Kind);
        foreach (int index in new[] { 3, 4, int.MaxValue, -1, int.MinValue })
            Assert.Equal(TrapKind.UndefinedElement, Assert.Throws<Wasm.Runtime.WasmTrap>(() => call.Invoke(Value.I32(index))).Kind);
    }

    [Fact]
    public void AnInstanceReachesOnlyItsOwnMemory()
    {
        // Two instances of one module: every path an instance has to memory (load, store,
        // memory.fill, memory.copy, memory.init, a host function's Caller.Memory) touches its own.
        var module = Module.FromText(Engine, """
            (module
              (import "env" "peek" (func $peek (param i32) (result i32)))
              (memory (export "mem") 1)
              (data $d "\2a")
              (func (export "write") (param i32)
                (i32.store8 (i32.const 0) (local.get 0))
                (memory.fill (i32.const 1) (local.get 0) (i32.const 3))
                (memory.copy (i32.const 4) (i32.const 0) (i32.const 4))
                (memory.init $d (i32.const 8) (i32.const 0) (i32.const 1)))
              (func (export "read") (result i32) (i32.load (i32.const 4)))
              (func (export "peek") (result i32) (call $peek (i32.const 0))))
            """);
        var store = new Store(Engine);
        var linker = new Linker().Define("env", "peek", Func.Wrap((Caller caller, int address) => (int)caller.Memory!.Span[address]));
        var a = linker.Instantiate(store, module);
        var b = linker.Instantiate(store, module);
        a.GetFunc("write")!.Invoke(Value.I32(0x11));
        b.GetFunc("write")!.Invoke(Value.I32(0x22));
        Assert.Equal(0x11111111, a.GetFunc("read")!.Invoke()[0].AsI32());
        Assert.Equal(0x22222222, b.GetFunc("read")!.Invoke()[0].AsI32());
        Assert.Equal(0x11, a.GetFunc("peek")!.Invoke()[0].AsI32());
        Assert.Equal(0x22, b.GetFunc("peek")!.Invoke()[0].AsI32());
        Assert.NotSame(a.GetMemory("mem"), b.GetMemory("mem"));
        Assert.Equal(0x11, a.GetMemory("mem")!.Span[0]);
        Assert.Equal(0x22, b.GetMemory("mem")!.Span[0]);
        Assert.Equal(0x2a, b.GetMemory("mem")!.Span[8]);
    }

    [Fact]
    public void BulkMemoryPastTheEndTrapsAndWritesNothing()
    {
        var instance = new Linker().Instantiate(new Store(Engine), Module.FromText(Engine, """
            (module (memory (export "mem") 1)
              (data $d "abcd")
              (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 255) (local.get 1)))
              (func (export "copy") (param i32 i32) (memory.copy (local.get 0) (i32.const 0) (local.get 1)))
              (func (export "init") (param i32 i32) (memory.init $d (local.get 0) (i32.const 0) (local.get 1))))
            """));
        var memory = instance.GetMemory("mem")!;
        foreach (var name in new[] { "fill", "copy", "init" })
        {
            // 65536 - 2 + 3 > 65536; 0 + 2^32-1 wraps nowhere: lengths are unsigned.
            foreach (var (address, length) in new[] { (65534, 3), (0, -1), (65537, 0), (-1, 1) })
            {
                var trap = Assert.Throws<Wasm.Runtime.WasmTrap>(() => instance.GetFunc(name)!.Invoke(Value.I32(address), Value.I32(length)));
                Assert.Equal(TrapKind.MemoryOutOfBounds, trap.Kind);
            }
            Assert.All(memory.Span.ToArray(), b => Assert.Equal(0, b));
        }
        // A zero-length operation exactly at the end is in bounds (spec: n = 0 at d = size).
        instance.GetFunc("fill")!.Invoke(Value.I32(65536), Value.I32(0));
    }
}
