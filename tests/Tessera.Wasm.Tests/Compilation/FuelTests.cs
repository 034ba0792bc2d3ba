using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Compilation;

/// <summary>
/// Fuel (<see cref="EngineOptions.Fuel"/>): one unit per function entry and per loop iteration,
/// counted by hand in each test; running out traps, or, preemptible, yields the suspendable call.
/// </summary>
public class FuelTests
{
    private const string Counter = """
        (module
          (func $nothing)
          ;; the loop head runs n times (n >= 1): once on entry, then at each of n - 1 back-branches
          (func (export "count") (param $n i32) (local $i i32)
            (loop $l (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
          (func (export "calls") (call $nothing) (call $nothing) (call $nothing)))
        """;

    private static Instance Instantiate(EngineOptions options, string wat = Counter)
    {
        var engine = new Engine(options: options);
        return new Linker().Instantiate(new Store(engine), Module.FromText(engine, wat));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(1000)]
    public void ALoopConsumesOneUnitPerIterationAndItsFunctionOne(int n)
    {
        var instance = Instantiate(new EngineOptions { Fuel = true });
        var count = instance.GetFunc("count")!;
        // entry 1 + n loop heads
        instance.Fuel = n + 1 + 5;
        count.Invoke(Value.I32(n));
        Assert.Equal(5, instance.Fuel);
        instance.Fuel = n;
        Assert.Equal(TrapKind.OutOfFuel, Assert.Throws<WasmTrap>(() => count.Invoke(Value.I32(n))).Kind);
    }

    [Fact]
    public void EveryCallConsumesAUnit()
    {
        var instance = Instantiate(new EngineOptions { Fuel = true });
        // calls itself and three callees: 4
        instance.Fuel = 4;
        instance.GetFunc("calls")!.Invoke();
        Assert.Equal(0, instance.Fuel);
        instance.Fuel = 3;
        Assert.Equal(TrapKind.OutOfFuel, Assert.Throws<WasmTrap>(() => instance.GetFunc("calls")!.Invoke()).Kind);
    }

    [Fact]
    public void ANewInstanceHasNoFuel()
    {
        var instance = Instantiate(new EngineOptions { Fuel = true });
        Assert.Equal(TrapKind.OutOfFuel, Assert.Throws<WasmTrap>(() => instance.GetFunc("calls")!.Invoke()).Kind);
    }

    [Fact]
    public void InterruptStopsALoopThatHasFuelToSpare()
    {
        var instance = Instantiate(new EngineOptions { Fuel = true }, """(module (func (export "spin") (loop $l (br $l))))""");
        instance.Fuel = long.MaxValue;
        WasmTrap? trap = null;
        var thread = new Thread(() => trap = Assert.Throws<WasmTrap>(() => instance.GetFunc("spin")!.Invoke()));
        thread.Start();
        Thread.Sleep(50);
        instance.Interrupt();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal(TrapKind.Interrupted, trap!.Kind);
    }

    [Fact]
    public void PreemptibleCallYieldsWhenItsFuelRunsOutAndResumesWithMore()
    {
        var instance = Instantiate(new EngineOptions { Fuel = true, Preemptible = true }, """
            (module (func (export "sum") (param $n i64) (result i64) (local $i i64) (local $s i64)
              (loop $l
                (local.set $s (i64.add (local.get $s) (local.get $i)))
                (local.set $i (i64.add (local.get $i) (i64.const 1)))
                (br_if $l (i64.lt_u (local.get $i) (local.get $n))))
              (local.get $s)))
            """);
        var call = new SuspendableCall(instance.GetFunc("sum")!);
        int slices = 1;
        instance.Fuel = 100;
        bool done = call.Start(Value.I64(1000));
        while (!done)
        {
            Assert.True(instance.Fuel < 0);
            slices++;
            instance.Fuel = 100;
            done = call.Resume();
        }
        // 0 + 1 + ... + 999
        Assert.Equal(999L * 1000 / 2, call.Results[0].AsI64());
        // 1,001 units at least (entry and 1,000 loop heads), at most 100 a slice, so 11 slices or
        // more; resuming costs an entry or two, so not many more.
        Assert.InRange(slices, 11, 15);
    }
}
