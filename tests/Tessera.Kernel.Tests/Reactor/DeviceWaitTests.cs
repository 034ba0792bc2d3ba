using Tessera.Kernel.Devices;
using Tessera.Kernel.Tasks;
using Tessera.Kernel.Tests.Tasks;
using Tessera.Wasm.Runtime;
using static Tessera.Kernel.Tests.Tasks.GuestModules;

namespace Tessera.Kernel.Tests.Reactor;

/// <summary>
/// Driver tasks waiting on interrupt lines (<c>tessera_device.wait</c>): woken by the reactor
/// when the host raises the line, holding no worker meanwhile, with raises counted between
/// waits. Expected values are the counts the tests raise and the ABI's codes (docs/abi.md).
/// </summary>
public sealed class DeviceWaitTests : IDisposable
{
    private readonly Kernel _kernel = new(new KernelOptions { Workers = 1 });
    private readonly GuestReports _reports;
    private readonly InterruptLine _line = new("test0");

    private const string Guest = $$"""
        (module {{Imports}}
          (import "tessera_device" "lines" (func $lines (result i32)))
          (import "tessera_device" "wait" (func $wait (param i32 i64) (result i64)))
          (memory 1)
          (table (export "__indirect_function_table") 1 funcref)
          (elem (i32.const 0) func $child)
          ;; driver(n): waits on line 0 until n interrupts came, reporting how many lines it
          ;; holds, each wait's count, and the total.
          (func (export "driver") (param $n i64) (local $total i64) (local $count i64)
            (call $report (i64.extend_i32_u (call $lines)))
            (loop $more
              (local.set $count (call $wait (i32.const 0) (i64.const -1)))
              (call $report (local.get $count))
              (if (i64.lt_s (local.get $count) (i64.const 0)) (then (return)))
              (local.set $total (i64.add (local.get $total) (local.get $count)))
              (br_if $more (i64.lt_u (local.get $total) (local.get $n))))
            (call $report (local.get $total)))
          (func (export "timed") (param $ms i64)
            (call $report (call $wait (i32.const 0) (local.get $ms))))
          ;; impatient(n): n waits of 1 ms on a quiet line; reports how many timed out.
          (func (export "impatient") (param $n i64) (local $i i64) (local $timeouts i64)
            (loop $next
              (if (i64.eq (call $wait (i32.const 0) (i64.const 1)) (i64.const -1))
                (then (local.set $timeouts (i64.add (local.get $timeouts) (i64.const 1)))))
              (local.set $i (i64.add (local.get $i) (i64.const 1)))
              (br_if $next (i64.lt_u (local.get $i) (local.get $n))))
            (call $report (local.get $timeouts)))
          (func (export "bad")
            (call $report (call $wait (i32.const 1) (i64.const -1)))
            (call $report (call $wait (i32.const -1) (i64.const -1))))
          (func $child (param i64)
            (call $report (i64.extend_i32_u (call $lines)))
            (call $report (call $wait (i32.const 0) (i64.const -1))))
          (func (export "parent")
            (drop (call $spawn (i32.const 0) (i64.const 0))))
          (func (export "work") (param $n i64) (local $i i64) (local $sum i64)
            (loop $next
              (local.set $sum (i64.add (local.get $sum) (local.get $i)))
              (local.set $i (i64.add (local.get $i) (i64.const 1)))
              (br_if $next (i64.lt_u (local.get $i) (local.get $n))))
            (call $report (local.get $sum))))
        """;

    public DeviceWaitTests() => _reports = new GuestReports(_kernel);

    public void Dispose()
    {
        _kernel.Dispose();
        _line.Dispose();
    }

    private Module Module() => _kernel.Load(Guest);

    private TaskHandle Driver(string export, params Value[] arguments) =>
        _kernel.Spawn(Module(), export, new SpawnOptions { Devices = [_line] }, arguments);

    private long NextReport() => _reports.Next();

    private static ExitReason Join(TaskHandle task) => GuestReports.Join(task);

    [Fact]
    public void Raises_before_the_wait_are_counted_and_returned_at_once()
    {
        Assert.True(_line.Raise());
        Assert.True(_line.Raise(2));
        var driver = Driver("driver", Value.I64(3));
        Assert.Equal(1, NextReport());
        Assert.Equal(3, NextReport());
        Assert.Equal(3, NextReport());
        Assert.Equal(ExitKind.Normal, Join(driver).Kind);
    }

    [Fact]
    public void A_waiting_driver_holds_no_worker_and_wakes_on_a_raise()
    {
        // One worker: the driver parks in its wait, the worker runs another task to its end, and
        // only then does the host raise the line.
        var driver = Driver("driver", Value.I64(1));
        Assert.Equal(1, NextReport());
        var worker = _kernel.Spawn(Module(), "work", Value.I64(1000));
        // 0 + 1 + ... + 999
        Assert.Equal(499_500, NextReport());
        Assert.Equal(ExitKind.Normal, Join(worker).Kind);
        Assert.False(driver.Exited.IsCompleted);
        Assert.True(_line.Raise());
        Assert.Equal(1, NextReport());
        Assert.Equal(1, NextReport());
        Assert.Equal(ExitKind.Normal, Join(driver).Kind);
    }

    [Fact]
    public void Every_raise_from_another_thread_is_counted_once()
    {
        const int Raises = 2000;
        var driver = Driver("driver", Value.I64(Raises));
        Assert.Equal(1, NextReport());
        var raiser = new Thread(() =>
        {
            for (int i = 0; i < Raises; i++)
            {
                _line.Raise();
                if (i % 16 == 0) Thread.Yield();
            }
        });
        raiser.Start();
        long total = 0;
        while (total < Raises)
        {
            long count = NextReport();
            Assert.InRange(count, 1, Raises);
            total += count;
        }
        Assert.Equal(Raises, total);
        Assert.Equal(Raises, NextReport());
        Assert.Equal(ExitKind.Normal, Join(driver).Kind);
        raiser.Join();
    }

    /// <summary>A deterministic kernel (virtual time) and a driver of <see cref="Guest"/> on it
    /// holding the line: for the tests of timeouts.</summary>
    private (VirtualKernel Kernel, TaskHandle Driver) VirtualDriver(string export, params Value[] arguments)
    {
        var v = new VirtualKernel();
        return (v, v.Kernel.Spawn(v.Kernel.Load(Guest), export, new SpawnOptions { Devices = [_line] }, arguments));
    }

    [Fact]
    public void A_wait_with_a_timeout_returns_minus_one_after_it()
    {
        var (v, driver) = VirtualDriver("timed", Value.I64(30));
        using var _ = v;
        Assert.Equal(ExitKind.Normal, v.Run(driver).Kind);
        // The timeout, exactly 30 ms on.
        Assert.Equal([DeviceImports.Timeout], v.Reports);
        Assert.Equal([30L], v.ReportedAt);
        // A zero timeout polls: no time passes.
        var module = v.Kernel.Load(Guest);
        v.Run(v.Kernel.Spawn(module, "timed", new SpawnOptions { Devices = [_line] }, Value.I64(0)));
        _line.Raise(5);
        v.Run(v.Kernel.Spawn(module, "timed", new SpawnOptions { Devices = [_line] }, Value.I64(0)));
        Assert.Equal([DeviceImports.Timeout, DeviceImports.Timeout, 5], v.Reports);
        Assert.Equal(30, v.Milliseconds);
    }

    [Fact]
    public void Waits_that_time_out_leave_nothing_listed_on_the_reactor()
    {
        // 100 timed-out waits of 1 ms on a quiet line: each is listed while it waits and unlisted
        // when its timer ends it, so none is left for the next raise to wake (nor keeps the task
        // alive).
        var (v, driver) = VirtualDriver("impatient", Value.I64(100));
        using var _ = v;
        Assert.Equal(ExitKind.Normal, v.Run(driver).Kind);
        Assert.Equal([100L], v.Reports);
        Assert.Equal(100, v.Milliseconds);
        Assert.Equal(0, v.Kernel.Reactor.Waiting);
    }

    [Fact]
    public void Lines_are_capabilities_a_task_does_not_pass_on()
    {
        Driver("bad");
        Assert.Equal(DeviceImports.NoSuchLine, NextReport());
        Assert.Equal(DeviceImports.NoSuchLine, NextReport());
        // A child spawned by a driver holds no line, even with one raised.
        _line.Raise();
        Driver("parent");
        Assert.Equal(0, NextReport());
        Assert.Equal(DeviceImports.NoSuchLine, NextReport());
    }

    [Fact]
    public void Unplugging_a_line_wakes_its_waiter_with_no_such_line()
    {
        // On a deterministic kernel the test knows the driver parked before it unplugs; the wake
        // comes from the reactor's thread.
        var (v, driver) = VirtualDriver("driver", Value.I64(1));
        using var _ = v;
        v.RunUntil(() => v.Kernel.ParkedTasks == 1);
        Assert.Equal([1L], v.Reports);
        _line.Dispose();
        Assert.Equal(ExitKind.Normal, v.Run(driver).Kind);
        Assert.Equal([1L, DeviceImports.NoSuchLine], v.Reports);
        Assert.False(_line.Raise());
    }

    [Fact]
    public void A_driver_killed_while_waiting_dies_and_a_later_raise_harms_nothing()
    {
        var driver = Driver("driver", Value.I64(1));
        Assert.Equal(1, NextReport());
        Assert.True(_kernel.Kill(driver.Id));
        Assert.Equal(ExitKind.Killed, Join(driver).Kind);
        Assert.True(_line.Raise());
        var next = Driver("driver", Value.I64(1));
        Assert.Equal(1, NextReport());
        Assert.Equal(1, NextReport());
        Assert.Equal(1, NextReport());
        Assert.Equal(ExitKind.Normal, Join(next).Kind);
    }
}
