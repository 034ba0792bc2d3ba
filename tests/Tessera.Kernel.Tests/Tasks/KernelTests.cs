using System.Collections.Concurrent;
using System.Diagnostics;
using Tessera.Kernel.Tasks;
using Tessera.Wasm.Runtime;
using static Tessera.Kernel.Tests.Tasks.GuestModules;

namespace Tessera.Kernel.Tests.Tasks;

/// <summary>
/// Tasks end to end: guests in the text format using the tessera_task imports, run by a kernel with
/// two workers. Guests report values through env.report; expected values are arithmetic by hand.
/// </summary>
[Collection(ProcessWideMeasurements.Name)]
public sealed class KernelTests : IDisposable
{
    private readonly Kernel _kernel = new(new KernelOptions { Workers = 2, MailboxCapacity = 4 });
    private readonly ConcurrentQueue<long> _reports = new();
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);

    public KernelTests()
    {
        _kernel.Linker.Define("env", "report", Func.Wrap((long value) => _reports.Enqueue(value)));
    }

    public void Dispose() => _kernel.Dispose();

    private static ExitReason Join(TaskHandle task)
    {
        Assert.True(task.Exited.Wait(s_patience), $"{task.Id} did not end");
        return task.Exited.Result;
    }

    [Fact]
    public void PingPongExchangesMessagesBetweenTwoTasks()
    {
        // ping spawns pong, sends it 0..n-1; pong answers each with value + 1; ping reports the sum.
        var module = _kernel.Load(Module("""
            (func (export "ping") (param $n i64) (local $pong i64) (local $i i64) (local $sum i64)
              (local.set $pong (call $spawn (i32.const 0) (call $self)))
              (loop $next
                (i64.store (i32.const 16) (local.get $i))
                (drop (call $send (local.get $pong) (i32.const 1) (i32.const 16) (i32.const 8)))
                (drop (call $receive (i32.const 2) (i32.const 32) (i32.const 8) (i64.const -1) (i32.const 0)))
                (local.set $sum (i64.add (local.get $sum) (i64.load (i32.const 32))))
                (local.set $i (i64.add (local.get $i) (i64.const 1)))
                (br_if $next (i64.lt_u (local.get $i) (local.get $n))))
              (i64.store (i32.const 16) (i64.const -1))
              (drop (call $send (local.get $pong) (i32.const 1) (i32.const 16) (i32.const 8)))
              (call $report (local.get $sum)))
            (func $pong (param $ping i64)
              (loop $next
                (drop (call $receive (i32.const 1) (i32.const 0) (i32.const 8) (i64.const -1) (i32.const 0)))
                (if (i64.ne (i64.load (i32.const 0)) (i64.const -1))
                  (then
                    (i64.store (i32.const 0) (i64.add (i64.load (i32.const 0)) (i64.const 1)))
                    (drop (call $send (local.get $ping) (i32.const 2) (i32.const 0) (i32.const 8)))
                    (br $next)))))
            """, "$pong"));
        var ping = _kernel.Spawn(module, "ping", Value.I64(1000));
        Assert.Equal(ExitKind.Normal, Join(ping).Kind);
        // sum of 1..1000 = 1000 * 1001 / 2
        Assert.Equal([500_500L], _reports);
    }

    [Fact]
    public async Task ParkedTasksHoldNoThreadAndResumeWithTheirLocals()
    {
        var module = _kernel.Load(Module("""
            (func (export "waiter") (param $k i64) (local $x i64) (local $f f64)
              (local.set $x (i64.mul (local.get $k) (i64.const 7)))
              (local.set $f (f64.convert_i64_s (local.get $k)))
              (drop (call $receive (i32.const -1) (i32.const 0) (i32.const 8) (i64.const -1) (i32.const 0)))
              (call $report (i64.add (i64.add (local.get $x) (i64.load (i32.const 0))) (i64.trunc_f64_s (f64.mul (local.get $f) (f64.const 0.5))))))
            """));
        const int count = 2000;
        int threadsBefore = Process.GetCurrentProcess().Threads.Count;
        var ids = Enumerable.Range(0, count).Select(k => _kernel.Spawn(module, "waiter", Value.I64(2 * k))).ToList();
        var deadline = Stopwatch.StartNew();
        while (_kernel.ParkedTasks < count && deadline.Elapsed < s_patience) Thread.Sleep(5);
        Assert.Equal(count, _kernel.ParkedTasks);
        int threadsParked = Process.GetCurrentProcess().Threads.Count;
        Assert.True(threadsParked - threadsBefore < 10, $"{threadsParked - threadsBefore} more threads with {count} tasks parked");
        for (int k = 0; k < count; k++) _kernel.Send(ids[k].Id, 0, BitConverter.GetBytes(1000L));
        var reasons = await Task.WhenAll(ids.Select(t => t.Exited)).WaitAsync(s_patience);
        Assert.All(reasons, reason => Assert.Equal(ExitKind.Normal, reason.Kind));
        // task k (argument 2k): 7 * 2k + 1000 + 2k / 2 = 15k + 1000; summed over k < 2000
        Assert.Equal(15L * (count - 1) * count / 2 + 1000L * count, _reports.Sum());
    }

    [Fact]
    public void TrappingTaskLeavesOthersRunningAndInformsItsMonitor()
    {
        var module = _kernel.Load(Module("""
            ;; waits for a go-ahead, so that the watcher's monitor is in place before it traps
            (func $crash (param i64)
              (drop (call $receive (i32.const 3) (i32.const 0) (i32.const 0) (i64.const -1) (i32.const 0)))
              (drop (i32.div_s (i32.const 1) (i32.const 0))))
            (func (export "watcher") (local $child i64)
              (local.set $child (call $spawn (i32.const 0) (i64.const 0)))
              (drop (call $monitor (local.get $child)))
              (drop (call $send (local.get $child) (i32.const 3) (i32.const 0) (i32.const 0)))
              ;; the DOWN notice: task id, exit kind, trap kind
              (drop (call $receive (i32.const -2) (i32.const 16) (i32.const 16) (i64.const -1) (i32.const 0)))
              (call $report (i64.sub (i64.load (i32.const 16)) (local.get $child)))
              (call $report (i64.load32_s (i32.const 24)))
              (call $report (i64.load32_s (i32.const 28))))
            (func (export "worker") (param $n i64) (call $sleep (i64.const 20)) (call $report (local.get $n)))
            """, "$crash"));
        var worker = _kernel.Spawn(module, "worker", Value.I64(77));
        var watcher = _kernel.Spawn(module, "watcher");
        Assert.Equal(ExitKind.Normal, Join(watcher).Kind);
        Assert.Equal(ExitKind.Normal, Join(worker).Kind);
        var reports = _reports.ToList();
        // watcher: same id (difference 0), ExitKind.Trapped, TrapKind.IntegerDivideByZero; worker: 77
        Assert.Equal(new long[] { 0, (long)ExitKind.Trapped, (long)TrapKind.IntegerDivideByZero }, reports.Where(r => r != 77));
        Assert.Contains(77L, reports);
    }

    [Fact]
    public void KilledSpinningTaskDiesWhileAnotherTaskKeepsTime()
    {
        // Virtual time, one thread, fuel slices: the spinner is always runnable, so time moves only
        // when the test says; the sleeper's 10 ms timer fires at 10 ms, not before, and it runs
        // between the spinner's slices.
        using var v = new VirtualKernel(new KernelOptions { FuelPerSlice = 1_000 });
        var module = v.Kernel.Load(Module("""
            (func (export "spin") (loop $forever (br $forever)))
            (func (export "sleeper") (call $sleep (i64.const 10)) (call $report (i64.const 1)))
            """));
        var spinner = v.Kernel.Spawn(module, "spin");
        var sleeper = v.Kernel.Spawn(module, "sleeper");
        v.RunUntil(() => v.Kernel.Timers.Pending == 1);
        v.Kernel.Advance(TimeSpan.FromMilliseconds(9));
        Assert.Equal(1, v.Kernel.Timers.Pending);
        v.Kernel.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(ExitKind.Normal, v.Run(sleeper).Kind);
        Assert.Equal([1L], v.Reports);
        Assert.Equal([10L], v.ReportedAt);
        Assert.True(v.Kernel.Kill(spinner.Id, "test"));
        var reason = v.Run(spinner);
        Assert.Equal(ExitKind.Killed, reason.Kind);
        Assert.Equal("test", reason.Detail);
    }

    [Fact]
    public void SpinningTaskIsPreemptedSoAnotherTaskOnTheSameWorkerRuns()
    {
        // Time slices are the timer thread's look at the worker threads, so this runs on them. One
        // worker: the spinner reports, then spins; only after that is the other task spawned, so it
        // can run only if the timer thread asks the spinner to yield.
        using var single = new Kernel(new KernelOptions { Workers = 1 });
        var reports = new GuestReports(single);
        var module = single.Load(Module("""
            (func (export "spin") (call $report (i64.const 0)) (loop $forever (br $forever)))
            (func (export "other") (call $report (i64.const 1)))
            """));
        var spinner = single.Spawn(module, "spin");
        Assert.Equal(0, reports.Next());
        var other = single.Spawn(module, "other");
        Assert.Equal(1, reports.Next());
        Assert.Equal(ExitKind.Normal, Join(other).Kind);
        Assert.True(single.Kill(spinner.Id));
        Assert.Equal(ExitKind.Killed, Join(spinner).Kind);
    }

    [Fact]
    public void FuelSlicesPreemptASpinnerAndInterleaveTwoCountersByTheirWork()
    {
        // One thread, slices of 1,000 units and no time slices (a deterministic kernel has none):
        // only fuel can preempt.
        using var v = new VirtualKernel(new KernelOptions { FuelPerSlice = 1_000 });
        var module = v.Kernel.Load(Module("""
            (func (export "spin") (loop $forever (br $forever)))
            ;; counts to 100,000 in memory[tag * 8]; reports the other counter's count when done
            (func $count (param $tag i64) (local $i i64)
              (loop $l
                (local.set $i (i64.add (local.get $i) (i64.const 1)))
                (i64.store (i32.wrap_i64 (i64.shl (local.get $tag) (i64.const 3))) (local.get $i))
                (br_if $l (i64.lt_u (local.get $i) (i64.const 100000))))
              (call $report (i64.load (i32.wrap_i64 (i64.shl (i64.sub (i64.const 5) (local.get $tag)) (i64.const 3))))))
            (func (export "pair")
              (drop (call $spawn_local (i32.const 0) (i64.const 2)))
              (drop (call $spawn_local (i32.const 0) (i64.const 3))))
            """, "$count"));
        var spinner = v.Kernel.Spawn(module, "spin");
        // Two counters sharing an instance, 100,001 units each (an entry and 100,000 loop heads),
        // in slices of 1,000 beside the spinner: they alternate, so when the first ends the other
        // is within a slice or two of the end (run one after the other, it would read 0).
        Assert.Equal(ExitKind.Normal, v.Run(v.Kernel.Spawn(module, "pair")).Kind);
        v.RunUntil(() => v.Reports.Count == 2);
        Assert.All(v.Reports, count => Assert.InRange(count, 97_000, 100_000));
        Assert.True(v.Kernel.Kill(spinner.Id));
        Assert.Equal(ExitKind.Killed, v.Run(spinner).Kind);
    }

    [Fact]
    public void AProgramsTasksShareItsQuotaAndOtherProgramsKeepTheirs()
    {
        // Each task sleeps 200 ms, so all have their first page before any grows (on virtual time
        // that is an order, not a hope), grows until memory.grow says -1, reports the pages it
        // holds (+1000 for the other program), and holds them for a second.
        using var v = new VirtualKernel();
        var module = v.Kernel.Load(Module("""
            (func $hog (param $bias i64) (local $n i32)
              (call $sleep (i64.const 200))
              (block $done (loop $again
                (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))
                (br $again)))
              (call $report (i64.add (local.get $bias) (i64.extend_i32_s (i32.add (local.get $n) (i32.const 1)))))
              (drop (call $receive (i32.const -1) (i32.const 0) (i32.const 0) (i64.const 1000) (i32.const 0))))
            (func (export "program") (param i64)
              (drop (call $spawn (i32.const 0) (i64.const 0)))
              (drop (call $spawn (i32.const 0) (i64.const 0)))
              (call $hog (i64.const 0)))
            (func (export "other") (param i64) (call $hog (i64.const 1000)))
            """, "$hog"));
        var quota = new ResourceQuota(memoryBytes: 10 * 65536);
        var other = new ResourceQuota(memoryBytes: 4 * 65536);
        var program = v.Kernel.Spawn(module, "program", null, quota, Value.I64(0));
        var solo = v.Kernel.Spawn(module, "other", null, other, Value.I64(0));
        v.RunUntil(() => v.Reports.Count == 4);
        // The program's three tasks hold exactly its 10 pages between them; the other program
        // its own 4, whatever the first did. All grew at 200 ms.
        Assert.Equal(3, v.Reports.Count(r => r < 1000));
        Assert.Equal(10, v.Reports.Where(r => r < 1000).Sum());
        Assert.Equal([1004L], v.Reports.Where(r => r >= 1000));
        Assert.All(v.ReportedAt, at => Assert.Equal(200, at));
        Assert.Equal(ExitKind.Normal, v.Run(program).Kind);
        Assert.Equal(ExitKind.Normal, v.Run(solo).Kind);
        // Every task of the program ends at 1,200 ms, when its hold times out: all pages go back.
        v.RunUntil(() => v.Kernel.LiveTasks == 0);
        Assert.Equal(1200, v.Milliseconds);
        Assert.Equal(0, quota.CommittedMemoryBytes);
        Assert.Equal(0, other.CommittedMemoryBytes);
    }

    [Fact]
    public void ReceiveTimesOutWhenNoMessageComes()
    {
        using var v = new VirtualKernel();
        var module = v.Kernel.Load(Module("""
            (func (export "wait") (call $report (i64.extend_i32_s (call $receive (i32.const -1) (i32.const 0) (i32.const 8) (i64.const 20) (i32.const 0)))))
            """));
        Assert.Equal(ExitKind.Normal, v.Run(v.Kernel.Spawn(module, "wait")).Kind);
        // -1: the timeout, which came exactly 20 ms on.
        Assert.Equal([-1L], v.Reports);
        Assert.Equal([20L], v.ReportedAt);
    }

    [Fact]
    public void LinkedTaskIsKilledWhenItsPartnerTraps()
    {
        // The crash's sleep puts the link in place first: on virtual time, by definition.
        using var v = new VirtualKernel();
        var module = v.Kernel.Load(Module("""
            (func $crash (param i64) (call $sleep (i64.const 10)) unreachable)
            (func (export "partner") (drop (call $link (call $spawn (i32.const 0) (i64.const 0))))
              (drop (call $receive (i32.const 5) (i32.const 0) (i32.const 8) (i64.const -1) (i32.const 0))))
            """, "$crash"));
        var reason = v.Run(v.Kernel.Spawn(module, "partner"));
        Assert.Equal(ExitKind.Killed, reason.Kind);
        Assert.Contains("Trapped", reason.Detail);
        Assert.Equal(10, v.Milliseconds);
    }

    [Fact]
    public void SendToAFullMailboxIsRefused()
    {
        // The kernel's mailboxes hold 4 messages; the fifth send to a task that never receives fails.
        var module = _kernel.Load(Module("""
            (func $idle (param i64) (call $sleep (i64.const 100000)))
            (func (export "flood") (local $idle i64) (local $i i32)
              (local.set $idle (call $spawn (i32.const 0) (i64.const 0)))
              (loop $next
                (call $report (i64.extend_i32_s (call $send (local.get $idle) (i32.const 0) (i32.const 0) (i32.const 4))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $next (i32.lt_u (local.get $i) (i32.const 6))))
              (drop (call $kill (local.get $idle))))
            """, "$idle"));
        Assert.Equal(ExitKind.Normal, Join(_kernel.Spawn(module, "flood")).Kind);
        Assert.Equal([0L, 0, 0, 0, -2, -2], _reports);
    }

    [Fact]
    public void RegisteredNameFindsTheTask()
    {
        var module = _kernel.Load(Module("""
            (data (i32.const 0) "server")
            (func (export "run")
              (drop (call $register (i32.const 0) (i32.const 6)))
              (call $report (i64.sub (call $whereis (i32.const 0) (i32.const 6)) (call $self))))
            """));
        Assert.Equal(ExitKind.Normal, Join(_kernel.Spawn(module, "run")).Kind);
        Assert.Equal([0L], _reports);
    }

    [Fact]
    public void TaskThatExhaustsItsStackDiesAloneWithThatReason()
    {
        var module = _kernel.Load(Module("""
            (func $down (export "down") (param i64) (call $down (i64.add (local.get 0) (i64.const 1))))
            (func (export "fine") (call $sleep (i64.const 5)) (call $report (i64.const 9)))
            """));
        var fine = _kernel.Spawn(module, "fine");
        var deep = _kernel.Spawn(module, "down", Value.I64(0));
        var reason = Join(deep);
        Assert.Equal(ExitKind.Trapped, reason.Kind);
        Assert.Equal(TrapKind.StackExhausted, reason.Trap);
        Assert.Equal(ExitKind.Normal, Join(fine).Kind);
        Assert.Equal([9L], _reports);
    }

    [Fact]
    public void MissingExportEndsTheTaskWithBadEntry()
    {
        var module = _kernel.Load(Module("""(func (export "run"))"""));
        Assert.Equal(ExitKind.BadEntry, Join(_kernel.Spawn(module, "nothing")).Kind);
    }

    [Fact]
    public void YieldLetsTwoTasksOnOneWorkerInterleave()
    {
        // A deterministic kernel has no time slices, so only the explicit yields reorder the
        // tasks (with time slices a first run, JIT-compiling the resume copy under load, could
        // outlast its slice and be preempted).
        using var v = new VirtualKernel();
        var module = v.Kernel.Load(Module("""
            (func (export "run") (param $id i64) (local $i i64)
              (loop $next
                (call $report (i64.add (i64.mul (local.get $id) (i64.const 10)) (local.get $i)))
                (call $yield)
                (local.set $i (i64.add (local.get $i) (i64.const 1)))
                (br_if $next (i64.lt_u (local.get $i) (i64.const 3)))))
            """));
        var a = v.Kernel.Spawn(module, "run", Value.I64(1));
        var b = v.Kernel.Spawn(module, "run", Value.I64(2));
        v.RunUntil(() => a.Exited.IsCompleted && b.Exited.IsCompleted);
        // one worker, FIFO queue, each yields after every report: strict alternation
        Assert.Equal([10L, 20, 11, 21, 12, 22], v.Reports);
    }

    [Fact]
    public async Task EndedTaskGivesItsMemoryBackAtOnce()
    {
        Memory? kept = null;
        _kernel.Linker.Define("test", "keep", Func.Wrap((Caller caller) => { kept = caller.Memory; }));
        var module = _kernel.Load("""
            (module
              (import "test" "keep" (func $keep))
              (memory 2)
              (func (export "run") (result i32)
                (i32.store (i32.const 65536) (i32.const 7))
                (call $keep)
                (i32.load (i32.const 65536))))
            """);
        var reason = await _kernel.Spawn(module, "run").Exited.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(7, reason.Results[0].AsI32());
        // Freed with the task's store when it ended, not when a finalizer gets to it.
        Assert.NotNull(kept);
        Assert.Equal(0, kept!.Span.Length);
    }
}
