using System.Runtime.InteropServices;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>
/// <see cref="BoundsChecks.GuardPages"/>: loads and stores compiled without a compare, with the
/// fault of an out-of-bounds access turned into the trap the specification requires. Every test
/// here would end the test process, not fail it, if a fault escaped as a crash.
/// </summary>
public class GuardPageTests
{
    private static readonly Engine s_guarded = new(WasmFeatures.Wasm2, new EngineOptions { BoundsChecks = BoundsChecks.GuardPages });

    private static Instance Instantiate(string wat, Store? store = null) =>
        new Linker().Instantiate(store ?? new Store(s_guarded), Module.FromText(s_guarded, wat));

    private static WasmTrap TrapOf(Func f, params Value[] args) => Assert.Throws<WasmTrap>(() => f.Invoke(args));

    [Fact]
    public void GuardPagesAreAvailableOnLinuxX64()
    {
        // The platform the mode is verified on: here it must not quietly fall back to checks (the
        // library is built by Tessera.Platform's project wherever a C compiler is installed, and
        // scripts/install-deps.sh installs one).
        Assert.True(OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64, "these tests assume Linux x64");
        Assert.Null(s_guarded.GuardPagesUnavailableReason);
        Assert.Equal(BoundsChecks.GuardPages, s_guarded.BoundsChecks);
        var memory = Instantiate("(module (memory (export \"m\") 1))").GetMemory("m")!;
        Assert.True(memory.HasGuardPages);
        Assert.False(new Memory(new Store(new Engine()), new Model.MemoryType(new Model.Limits(1, null))).HasGuardPages);
    }

    public static TheoryData<string, int, int> Loads => new()
    {
        // (instruction, access size, where the last in-bounds access of one page starts)
        { "i32.load", 4, 65532 }, { "i64.load", 8, 65528 }, { "f32.load", 4, 65532 }, { "f64.load", 8, 65528 },
        { "i32.load8_s", 1, 65535 }, { "i32.load8_u", 1, 65535 }, { "i32.load16_s", 2, 65534 }, { "i32.load16_u", 2, 65534 },
        { "i64.load8_s", 1, 65535 }, { "i64.load8_u", 1, 65535 }, { "i64.load16_s", 2, 65534 }, { "i64.load16_u", 2, 65534 },
        { "i64.load32_s", 4, 65532 }, { "i64.load32_u", 4, 65532 }, { "v128.load", 16, 65520 },
    };

    [Theory]
    [MemberData(nameof(Loads))]
    public void EveryLoadTrapsFromTheFirstByteOutOfBoundsAndNotBefore(string load, int size, int last)
    {
        string result = load[..4] == "v128" ? "v128" : load[..3];
        var instance = Instantiate($$"""
            (module (memory 1)
              (func (export "used") (param i32) (result {{result}}) ({{load}} (local.get 0)))
              (func (export "dropped") (param i32) (drop ({{load}} (local.get 0))))
              (func (export "offset") (param i32) (result {{result}}) ({{load}} offset=65536 (local.get 0))))
            """);
        var used = instance.GetFunc("used")!;
        var dropped = instance.GetFunc("dropped")!;
        used.Invoke(Value.I32(last));
        dropped.Invoke(Value.I32(last));
        // Every address from the first straddling one past the page, and the far end of the
        // address space (the 32-bit address is unsigned: -1 is 4 GiB - 1, not below the memory).
        for (int address = last + 1; address <= 65536 + 16; address++)
        {
            Assert.Equal(TrapKind.MemoryOutOfBounds, TrapOf(used, Value.I32(address)).Kind);
            if (size > 1 || address > 65535) Assert.Equal(TrapKind.MemoryOutOfBounds, TrapOf(dropped, Value.I32(address)).Kind);
        }
        Assert.Equal(TrapKind.MemoryOutOfBounds, TrapOf(used, Value.I32(-1)).Kind);
        Assert.Equal(TrapKind.MemoryOutOfBounds, TrapOf(instance.GetFunc("offset")!, Value.I32(0)).Kind);
    }

    [Theory]
    [InlineData("i32.store", "i32", 4)]
    [InlineData("i64.store", "i64", 8)]
    [InlineData("f64.store", "f64", 8)]
    [InlineData("i64.store16", "i64", 2)]
    [InlineData("v128.store", "v128", 16)]
    public void AStoreStraddlingTheEndTrapsAndWritesNothing(string store, string type, int size)
    {
        // All bits set, so every byte the store writes reads as -1.
        string value = type switch { "v128" => "v128.const i64x2 -1 -1", "f64" => "f64.const -nan:0xfffffffffffff", _ => $"{type}.const -1" };
        var instance = Instantiate($$"""
            (module (memory (export "m") 1)
              (func (export "store") (param i32) ({{store}} (local.get 0) ({{value}}))))
            """);
        var memory = instance.GetMemory("m")!;
        var f = instance.GetFunc("store")!;
        for (int address = 65536 - size + 1; address < 65536; address++)
        {
            Assert.Equal(TrapKind.MemoryOutOfBounds, TrapOf(f, Value.I32(address)).Kind);
            // x64 faults before any byte of a faulting store is written (the spec requires nothing written).
            Assert.All(memory.Span[(65536 - 16)..].ToArray(), b => Assert.Equal(0, b));
        }
        f.Invoke(Value.I32(65536 - size));
        Assert.Equal(-1, (sbyte)memory.Span[65535]);
    }

    [Fact]
    public void GrowingOpensThePagesAndNoMore()
    {
        var instance = Instantiate("""
            (module (memory (export "m") 1 4)
              (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
              (func (export "load") (param i32) (result i64) (i64.load (local.get 0)))
              (func (export "store") (param i32 i64) (i64.store (local.get 0) (local.get 1))))
            """);
        var load = instance.GetFunc("load")!;
        var store = instance.GetFunc("store")!;
        Assert.Equal(TrapKind.MemoryOutOfBounds, TrapOf(store, Value.I32(65536), Value.I64(7)).Kind);
        Assert.Equal(1, instance.GetFunc("grow")!.Invoke(Value.I32(2))[0].AsI32());
        store.Invoke(Value.I32(3 * 65536 - 8), Value.I64(7));
        Assert.Equal(7, load.Invoke(Value.I32(3 * 65536 - 8))[0].AsI64());
        Assert.Equal(TrapKind.MemoryOutOfBounds, TrapOf(load, Value.I32(3 * 65536 - 7)).Kind);
        // Past the declared maximum: -1, and the pages past it stay closed.
        Assert.Equal(-1, instance.GetFunc("grow")!.Invoke(Value.I32(2))[0].AsI32());
        Assert.Equal(TrapKind.MemoryOutOfBounds, TrapOf(load, Value.I32(4 * 65536 - 8)).Kind);
    }

    [Fact]
    public void TheTrapHasTheBacktraceOfTheFaultingFunctions()
    {
        var instance = Instantiate("""
            (module (memory 1)
              (func $read (param i32) (result f64) (f64.load (local.get 0)))
              (func $middle (export "middle") (param i32) (result f64) (call $read (local.get 0))))
            """);
        var trap = TrapOf(instance.GetFunc("middle")!, Value.I32(1 << 20));
        Assert.Equal("out of bounds memory access", trap.Message);
        Assert.Equal(["read", "middle"], trap.Backtrace.Select(f => f.FunctionName ?? "").ToArray());
    }

    [Fact]
    public void TypedCallsTrapToo()
    {
        var instance = Instantiate("""(module (memory 1) (func (export "l") (param i32) (result i32) (i32.load (local.get 0))))""");
        var load = instance.GetFunc("l")!.AsDelegate<Func<int, int>>();
        Assert.Equal(0, load(0));
        Assert.Equal(TrapKind.MemoryOutOfBounds, Assert.Throws<WasmTrap>(() => load(65533)).Kind);
        // The thread is left with no recorded fault: the next call runs normally.
        Assert.Equal(0, load(65532));
    }

    [Fact]
    public void AFaultUnderAHostFunctionTrapsWhereItHappened()
    {
        // wasm -> host -> wasm: the inner call's fault becomes a trap at the inner entry and
        // unwinds through the host function and the outer frames as a trap.
        var store = new Store(s_guarded);
        var inner = Instantiate("""(module (memory 1) (func (export "poke") (param i32) (i32.store (local.get 0) (i32.const 1))))""", store).GetFunc("poke")!;
        var linker = new Linker().Define("host", "call", Func.Wrap((int address) => { inner.Invoke(Value.I32(address)); }));
        var outer = linker.Instantiate(store, Module.FromText(s_guarded, """
            (module (import "host" "call" (func $call (param i32)))
              (func (export "run") (param i32) (call $call (local.get 0))))
            """)).GetFunc("run")!;
        outer.Invoke(Value.I32(16));
        Assert.Equal(TrapKind.MemoryOutOfBounds, TrapOf(outer, Value.I32(65536)).Kind);
    }

    [Fact]
    public void AHostNullReferenceStaysAHostException()
    {
        // Only a fault in a guard region is a trap; a host bug keeps its own exception.
        var linker = new Linker().Define("host", "bad", Func.Wrap(() => { object? nothing = null; _ = nothing!.GetHashCode(); }));
        var run = linker.Instantiate(new Store(s_guarded), Module.FromText(s_guarded, """
            (module (import "host" "bad" (func $bad)) (memory 1) (func (export "run") (call $bad)))
            """)).GetFunc("run")!;
        Assert.Throws<NullReferenceException>(() => run.Invoke());
    }

    [Fact]
    public void CodeRunAfterItsStoreIsDisposedTrapsInsteadOfTouchingFreedMemory()
    {
        var store = new Store(s_guarded);
        var load = Instantiate("""(module (memory 1) (func (export "l") (param i32) (result i32) (i32.load (local.get 0))))""", store).GetFunc("l")!;
        Assert.Equal(0, load.Invoke(Value.I32(0))[0].AsI32());
        store.Dispose();
        // The memory's slot may already belong to another memory: the freed one points at a
        // region that is never opened.
        Assert.Equal(TrapKind.MemoryOutOfBounds, TrapOf(load, Value.I32(0)).Kind);
    }

    [Fact]
    public void AReusedSlotIsClosedPastTheNewMemoryAndHoldsNothingOfTheOld()
    {
        // Slots are reused last in, first out, pages left open: a smaller memory in a slot a larger
        // one had must still trap past its own end, and read zeros where the old one wrote, also
        // where the old one had a copy-on-write data image.
        for (int round = 0; round < 3; round++)
        {
            var big = new Store(s_guarded);
            var write = Instantiate("""
                (module (memory 4) (data (i32.const 0) "secret")
                  (func (export "w") (param i32) (i64.store (local.get 0) (i64.const -1))))
                """, big).GetFunc("w")!;
            write.Invoke(Value.I32(65536));
            write.Invoke(Value.I32(3 * 65536));
            big.Dispose();

            var small = Instantiate("""(module (memory 1) (func (export "r") (param i32) (result i64) (i64.load (local.get 0))))""").GetFunc("r")!;
            Assert.Equal(0, small.Invoke(Value.I32(0))[0].AsI64());
            Assert.Equal(0, small.Invoke(Value.I32(65528))[0].AsI64());
            Assert.Equal(TrapKind.MemoryOutOfBounds, TrapOf(small, Value.I32(65536)).Kind);
            Assert.Equal(TrapKind.MemoryOutOfBounds, TrapOf(small, Value.I32(3 * 65536)).Kind);
        }
    }

    [Fact]
    public void ModulesCompiledForGuardPagesRefuseAMemoryWithout()
    {
        var module = Module.FromText(s_guarded, """(module (import "env" "m" (memory 1)) (func (export "l") (result i32) (i32.load (i32.const 0))))""");
        // A memory of an engine without guard pages, lent to a store of one with them: the type
        // check refuses it before the store check would.
        var unguarded = new Memory(new Store(new Engine()), new Model.MemoryType(new Model.Limits(1, null)));
        var e = Assert.Throws<WasmLinkException>(() => new Linker().Define("env", "m", unguarded).Instantiate(new Store(s_guarded), module));
        Assert.Contains("without guard pages", e.Message);
        var store = new Store(s_guarded);
        var guarded = new Memory(store, new Model.MemoryType(new Model.Limits(1, null)));
        Assert.Equal(0, new Linker().Define("env", "m", guarded).Instantiate(store, module).GetFunc("l")!.Invoke()[0].AsI32());
    }

    [Fact]
    public void ManyThreadsTrapConcurrentlyUnderGarbageCollection()
    {
        // A store is used by one thread at a time: one instance each, in one module.
        var module = Module.FromText(s_guarded, """(module (memory 1) (func (export "l") (param i32) (result i64) (i64.load (local.get 0))))""");
        int traps = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, 4).Select(t => new Thread(() => Run(() =>
        {
            var load = new Linker().Instantiate(new Store(s_guarded), module).GetFunc("l")!.AsDelegate<Func<int, long>>();
            for (int i = 0; i < 2_000; i++)
            {
                try
                {
                    load(65536 + i);
                }
                catch (WasmTrap trap) when (trap.Kind == TrapKind.MemoryOutOfBounds)
                {
                    Interlocked.Increment(ref traps);
                }
                if (i % 100 == 0) GC.Collect(0);
                Assert.Equal(0, load(i * 8 % 65536));
            }
        }))).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) worker.Join();
        Assert.Empty(failures);
        Assert.Equal(8_000, traps);

        // An exception escaping a thread would end the test process: keep it for the assertion.
        void Run(Action body)
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        }
    }
}
