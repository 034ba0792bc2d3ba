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
        var module = _kernel.Load(Module("""
            (func (export "spin") (loop $forever (br $forever)))
            (func (export "sleeper") (call $sleep (i64.const 10)) (call $report (i64.const 1)))
            """));
        var spinner = _kernel.Spawn(module, "spin");
        Thread.Sleep(20);
        var clock = Stopwatch.StartNew();
        var sleeper = _kernel.Spawn(module, "sleeper");
        Assert.Equal(ExitKind.Normal, Join(sleeper).Kind);
        Assert.InRange(clock.ElapsedMilliseconds, 10, 5_000);
        Assert.True(_kernel.Kill(spinner.Id, "test"));
        var reason = Join(spinner);
        Assert.Equal(ExitKind.Killed, reason.Kind);
        Assert.Equal("test", reason.Detail);
    }

    [Fact]
    public void SpinningTaskIsPreemptedSoATimerOnTheSameWorkerFires()
    {
        // One worker: without preemption the sleeper could never run again after the spinner started.
        using var single = new Kernel(new KernelOptions { Workers = 1 });
        var log = new ConcurrentQueue<long>();
        single.Linker.Define("env", "report", Func.Wrap((long value) => log.Enqueue(value)));
        var module = single.Load(Module("""
            (func (export "spin") (loop $forever (br $forever)))
            (func (export "sleeper") (call $sleep (i64.const 10)) (call $report (i64.const 1)))
            """));
        var sleeper = single.Spawn(module, "sleeper");
        var spinner = single.Spawn(module, "spin");
        var clock = Stopwatch.StartNew();
        Assert.Equal(ExitKind.Normal, Join(sleeper).Kind);
        Assert.InRange(clock.ElapsedMilliseconds, 0, 5_000);
        Assert.Equal([1L], log);
        Assert.True(single.Kill(spinner.Id));
        Assert.Equal(ExitKind.Killed, Join(spinner).Kind);
    }

    [Fact]
    public void FuelSlicesPreemptASpinnerAndInterleaveTwoCountersByTheirWork()
    {
        // One worker, slices of 1,000 units and a time slice of an hour, so only fuel can preempt.
        using var single = new Kernel(new KernelOptions { Workers = 1, FuelPerSlice = 1_000, TimeSlice = TimeSpan.FromHours(1) });
        var log = new ConcurrentQueue<long>();
        single.Linker.Define("env", "report", Func.Wrap((long value) => log.Enqueue(value)));
        var module = single.Load(Module("""
            (func (export "spin") (loop $forever (br $forever)))
            (func (export "sleeper") (call $sleep (i64.const 10)) (call $report (i64.const 1)))
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
        var sleeper = single.Spawn(module, "sleeper");
        var spinner = single.Spawn(module, "spin");
        Assert.Equal(ExitKind.Normal, Join(sleeper).Kind);
        Assert.Equal([1L], log);
        Assert.True(single.Kill(spinner.Id));
        Assert.Equal(ExitKind.Killed, Join(spinner).Kind);
        // Two counters sharing an instance, 100,001 units each (an entry and 100,000 loop heads),
        // in slices of 1,000 on one worker: they alternate, so when the first ends the other is
        // within a slice or two of the end (run one after the other, it would read 0).
        log.Clear();
        Assert.Equal(ExitKind.Normal, Join(single.Spawn(module, "pair")).Kind);
        Assert.True(SpinWait.SpinUntil(() => log.Count == 2, s_patience));
        Assert.All(log, count => Assert.InRange(count, 97_000, 100_000));
    }

    [Fact]
    public void AProgramsTasksShareItsQuotaAndOtherProgramsKeepTheirs()
    {
        // Each task waits until all have their first page, grows until memory.grow says -1, reports
        // the pages it holds (+1000 for the other program), and holds them for a while.
        var module = _kernel.Load(Module("""
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
        var program = _kernel.Spawn(module, "program", null, quota, Value.I64(0));
        var solo = _kernel.Spawn(module, "other", null, other, Value.I64(0));
        var clock = Stopwatch.StartNew();
        while (_reports.Count < 4 && clock.Elapsed < s_patience) Thread.Sleep(5);
        var reports = _reports.ToArray();
        // The program's three tasks hold exactly its 10 pages between them; the other program
        // its own 4, whatever the first did.
        Assert.Equal(3, reports.Count(r => r < 1000));
        Assert.Equal(10, reports.Where(r => r < 1000).Sum());
        Assert.Equal([1004L], reports.Where(r => r >= 1000));
        Assert.Equal(ExitKind.Normal, Join(program).Kind);
        Assert.Equal(ExitKind.Normal, Join(solo).Kind);
        // Every task of the program has ended (each holds its pages 1 s at most): all go back.
        while ((quota.CommittedMemoryBytes != 0 || other.CommittedMemoryBytes != 0) && clock.Elapsed < s_patience) Thread.Sleep(5);
        Assert.Equal(0, quota.CommittedMemoryBytes);
        Assert.Equal(0, other.CommittedMemoryBytes);
    }

    [Fact]
    public void ReceiveTimesOutWhenNoMessageComes()
    {
        var module = _kernel.Load(Module("""
            (func (export "wait") (call $report (i64.extend_i32_s (call $receive (i32.const -1) (i32.const 0) (i32.const 8) (i64.const 20) (i32.const 0)))))
            """));
        var clock = Stopwatch.StartNew();
        Assert.Equal(ExitKind.Normal, Join(_kernel.Spawn(module, "wait")).Kind);
        Assert.True(clock.ElapsedMilliseconds >= 20);
        Assert.Equal([-1L], _reports);
    }

    [Fact]
    public void LinkedTaskIsKilledWhenItsPartnerTraps()
    {
        var module = _kernel.Load(Module("""
            (func $crash (param i64) (call $sleep (i64.const 10)) unreachable)
            (func (export "partner") (drop (call $link (call $spawn (i32.const 0) (i64.const 0))))
              (drop (call $receive (i32.const 5) (i32.const 0) (i32.const 8) (i64.const -1) (i32.const 0))))
            """, "$crash"));
        var partner = _kernel.Spawn(module, "partner");
        var reason = Join(partner);
        Assert.Equal(ExitKind.Killed, reason.Kind);
        Assert.Contains("Trapped", reason.Detail);
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
    public async Task YieldLetsTwoTasksOnOneWorkerInterleave()
    {
        // A slice far longer than the test, so only the explicit yields reorder the tasks: under
        // load a first run (JIT-compiling the resume copy) could outlast 2 ms and be preempted.
        using var single = new Kernel(new KernelOptions { Workers = 1, TimeSlice = TimeSpan.FromMinutes(10) });
        var log = new ConcurrentQueue<long>();
        single.Linker.Define("env", "report", Func.Wrap((long value) => log.Enqueue(value)));
        var module = single.Load(Module("""
            (func (export "run") (param $id i64) (local $i i64)
              (loop $next
                (call $report (i64.add (i64.mul (local.get $id) (i64.const 10)) (local.get $i)))
                (call $yield)
                (local.set $i (i64.add (local.get $i) (i64.const 1)))
                (br_if $next (i64.lt_u (local.get $i) (i64.const 3)))))
            """));
        var a = single.Spawn(module, "run", Value.I64(1));
        var b = single.Spawn(module, "run", Value.I64(2));
        await a.Exited.WaitAsync(s_patience);
        await b.Exited.WaitAsync(s_patience);
        // one worker, FIFO queue, each yields after every report: strict alternation
        Assert.Equal([10L, 20, 11, 21, 12, 22], log);
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
