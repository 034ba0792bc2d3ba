using Tessera.Kernel.Mailboxes;
using Tessera.Kernel.Tasks;
using Tessera.Kernel.Tests.Tasks;
using Tessera.Platform.Clocks;
using Tessera.Wasm.Runtime;
using static Tessera.Kernel.Tests.Tasks.GuestModules;

namespace Tessera.Kernel.Tests.Scheduler;

/// <summary>
/// The kernel's deterministic mode (<see cref="KernelOptions.Deterministic"/>): tasks run on the
/// thread that calls <see cref="Kernel.RunUntil"/>, and virtual time moves only when told or, with
/// no task runnable, to the next timer deadline. Expected times are the guests' own delays.
/// </summary>
public sealed class DeterministicKernelTests : IDisposable
{
    private readonly VirtualKernel _virtual = new();

    public void Dispose() => _virtual.Dispose();

    private Kernel Kernel => _virtual.Kernel;

    /// <summary>sleeper(ms): sleeps, then reports its delay; waiter(ms): a receive that times out
    /// after ms, reporting its result.</summary>
    private Module Sleepers() => Kernel.Load(Module("""
        (func (export "sleeper") (param $ms i64) (call $sleep (local.get $ms)) (call $report (local.get $ms)))
        (func (export "waiter") (param $ms i64)
          (call $report (i64.extend_i32_s (call $receive (i32.const -1) (i32.const 0) (i32.const 0) (local.get $ms) (i32.const 0)))))
        """));

    [Fact]
    public void SleepsEndInDeadlineOrderAtExactlyTheirDeadlines()
    {
        var module = Sleepers();
        var tasks = new[] { 30L, 10, 20, 1, 4096 }.Select(ms => Kernel.Spawn(module, "sleeper", Value.I64(ms))).ToArray();
        _virtual.RunUntil(() => tasks.All(t => t.Exited.IsCompleted));
        // Woken in the order of their deadlines, all at virtual time 0 + delay: the clock jumped to
        // each deadline in turn and stopped at the last.
        Assert.Equal([1L, 10, 20, 30, 4096], _virtual.Reports);
        Assert.Equal([1L, 10, 20, 30, 4096], _virtual.ReportedAt);
        Assert.Equal(4096, _virtual.Milliseconds);
    }

    [Fact]
    public void TimeStandsStillUntilNoTaskIsRunnableOrItIsAdvanced()
    {
        var module = Sleepers();
        var waiter = Kernel.Spawn(module, "waiter", Value.I64(50));
        // Parked with its timer pending; nothing else to run, but the test only asked for this.
        _virtual.RunUntil(() => Kernel.ParkedTasks == 1);
        Assert.Equal(0, _virtual.Milliseconds);
        Assert.Equal(1, Kernel.Timers.Pending);
        Kernel.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Equal(1, Kernel.Timers.Pending);
        Kernel.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, Kernel.Timers.Pending);
        // Woken by that advance, it runs at the next RunUntil and reports the timeout (-1).
        Assert.Empty(_virtual.Reports);
        Assert.Equal(ExitKind.Normal, _virtual.Run(waiter).Kind);
        Assert.Equal([-1L], _virtual.Reports);
        Assert.Equal(50, _virtual.Milliseconds);
    }

    [Fact]
    public void AMessageBeforeTheTimeoutEndsTheWaitAndTimeDoesNotMove()
    {
        var module = Sleepers();
        var waiter = Kernel.Spawn(module, "waiter", Value.I64(1000));
        _virtual.RunUntil(() => Kernel.ParkedTasks == 1);
        Assert.Equal(DeliveryResult.Delivered, Kernel.Send(waiter.Id, 3, []));
        Assert.Equal(ExitKind.Normal, _virtual.Run(waiter).Kind);
        // receive returns the message's length: 0 bytes.
        Assert.Equal([0L], _virtual.Reports);
        Assert.Equal(0, _virtual.Milliseconds);
        Assert.Equal(0, Kernel.Timers.Pending);
    }

    [Fact]
    public void TasksRunOnTheCallersThreadAndTheKernelStartsNoThreads()
    {
        var threads = new List<int>();
        Kernel.Linker.Define("test", "thread", Func.Wrap(() => threads.Add(Environment.CurrentManagedThreadId)));
        var module = Kernel.Load("""
            (module (import "test" "thread" (func $thread))
              (func (export "run") (call $thread)))
            """);
        var tasks = Enumerable.Range(0, 3).Select(_ => Kernel.Spawn(module, "run")).ToArray();
        _virtual.RunUntil(() => tasks.All(t => t.Exited.IsCompleted));
        Assert.Equal([Environment.CurrentManagedThreadId, Environment.CurrentManagedThreadId, Environment.CurrentManagedThreadId], threads);
        Assert.Empty(Kernel.WorkerThreads);
    }

    [Fact]
    public void RunUntilGivesUpWhenItsPatienceEndsWithEveryTaskParked()
    {
        // A receive with no timeout: nothing can wake it, and with no patience left RunUntil says so.
        var waiter = Kernel.Spawn(Sleepers(), "waiter", Value.I64(-1));
        Assert.False(Kernel.RunUntil(() => waiter.Exited.IsCompleted, TimeSpan.Zero));
        Assert.False(waiter.Exited.IsCompleted);
    }

    [Fact]
    public void TheModeIsChosenWithTheKernel()
    {
        using var threaded = new Kernel(new KernelOptions { Workers = 1 });
        Assert.Throws<InvalidOperationException>(() => threaded.RunUntil(() => true));
        Assert.Throws<InvalidOperationException>(() => threaded.Advance(TimeSpan.FromMilliseconds(1)));
        Assert.Throws<ArgumentException>(() => new Kernel(new KernelOptions { Deterministic = true, Clock = HostMonotonicClock.Instance }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernel.Advance(TimeSpan.FromMilliseconds(-1)));
    }

    [Fact]
    public void RunUntilCannotBeCalledFromATask()
    {
        Kernel.Linker.Define("test", "nested", Func.Wrap(() => { Kernel.RunUntil(() => true); }));
        var module = Kernel.Load("""
            (module (import "test" "nested" (func $nested))
              (func (export "run") (call $nested)))
            """);
        var reason = _virtual.Run(Kernel.Spawn(module, "run"));
        Assert.Equal(ExitKind.HostError, reason.Kind);
        Assert.Contains("already being run", reason.Detail);
    }
}
