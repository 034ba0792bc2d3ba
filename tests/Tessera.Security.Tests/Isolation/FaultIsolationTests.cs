using System.Collections.Concurrent;
using System.Diagnostics;
using Tessera.Kernel;
using Tessera.Kernel.Mailboxes;
using Tessera.Kernel.Tasks;
using Tessera.Wasm.Runtime;
using Xunit.Abstractions;

namespace Tessera.Security.Tests.Isolation;

/// <summary>
/// Fault isolation under the scheduler (issue 7, part 4): misbehaving tasks among 10,000 healthy
/// ones. Every healthy task must return its value, worked out here by formula; each bad one must
/// end the way docs/tasks.md says, alone.
/// </summary>
public sealed class FaultIsolationTests(ITestOutputHelper output)
{
    private const int Healthy = 10_000;
    private const int LimitPages = 512; // 32 MiB, the per-task limit below
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Three kinds of healthy task, by n mod 3: compute only; sleep 1-5 ms, then compute; wait for
    /// a message from the host (3n), then add it. The computation is sum of i*i for i = 1..m with
    /// m = n mod 100 + 1, a loop the test checks against m(m+1)(2m+1)/6.
    /// </summary>
    private const string HealthyModule = """
        (module
          (import "tessera_task" "sleep" (func $sleep (param i64)))
          (import "tessera_task" "receive_value" (func $receive_value (param i32 i64) (result i64)))
          (func $squares (param $n i64) (result i64) (local $m i64) (local $i i64) (local $acc i64)
            (local.set $m (i64.add (i64.rem_u (local.get $n) (i64.const 100)) (i64.const 1)))
            (loop $next
              (local.set $i (i64.add (local.get $i) (i64.const 1)))
              (local.set $acc (i64.add (local.get $acc) (i64.mul (local.get $i) (local.get $i))))
              (br_if $next (i64.lt_u (local.get $i) (local.get $m))))
            (local.get $acc))
          (func (export "compute") (param $n i64) (result i64) (call $squares (local.get $n)))
          (func (export "sleepy") (param $n i64) (result i64)
            (call $sleep (i64.add (i64.const 1) (i64.rem_u (local.get $n) (i64.const 5))))
            (call $squares (local.get $n)))
          (func (export "listener") (param $n i64) (result i64)
            (i64.add (call $receive_value (i32.const 0) (i64.const -1)) (call $squares (local.get $n)))))
        """;

    /// <summary>The bad tasks. The memory hog grows one page at a time, touching each, until
    /// memory.grow fails; it reports the pages it reached and aborts as a C program whose malloc
    /// failed does.</summary>
    private const string BadModule = """
        (module
          (import "env" "report" (func $report (param i64)))
          (memory 1)
          (func (export "unreachable") unreachable)
          (func (export "divide") (param $x i32) (result i32) (i32.div_s (local.get $x) (i32.const 0)))
          (func $recurse (export "recurse") (param $depth i64) (result i64)
            (i64.add (call $recurse (i64.add (local.get $depth) (i64.const 1))) (i64.const 1)))
          (func (export "hog") (local $pages i32)
            (loop $more
              (local.set $pages (memory.grow (i32.const 1)))
              (if (i32.ne (local.get $pages) (i32.const -1))
                (then
                  (i32.store8 (i32.mul (local.get $pages) (i32.const 65536)) (i32.const 1))
                  (br $more))))
            (call $report (i64.extend_i32_u (memory.size)))
            unreachable)
          (func (export "spin") (loop $forever (br $forever))))
        """;

    [Fact]
    public async Task ATaskWhoseInitialMemoryIsOverTheLimitCannotStart()
    {
        using var kernel = new Kernel.Kernel(new KernelOptions { Workers = 1, TaskLimits = new StoreLimits { MemoryBytes = LimitPages * 65536L } });
        var big = kernel.Load($"(module (memory {LimitPages + 1}) (func (export \"main\")))");
        var fits = kernel.Load($"(module (memory {LimitPages}) (func (export \"main\")))");
        var refused = await kernel.Spawn(big, "main").Exited.WaitAsync(s_bound);
        Assert.Equal(ExitKind.HostError, refused.Kind);
        Assert.Contains(nameof(WasmResourceLimitException), refused.Detail);
        Assert.Equal(ExitKind.Normal, (await kernel.Spawn(fits, "main").Exited.WaitAsync(s_bound)).Kind);
    }

    private static long Squares(long n)
    {
        long m = n % 100 + 1;
        return m * (m + 1) * (2 * m + 1) / 6;
    }

    [Fact]
    public async Task HealthyTasksAllCompleteBesideTrappingExhaustingAndSpinningOnes()
    {
        var clock = Stopwatch.StartNew();
        using var kernel = new Kernel.Kernel(new KernelOptions { TaskLimits = new StoreLimits { MemoryBytes = LimitPages * 65536L } });
        var reports = new ConcurrentQueue<long>();
        kernel.Linker.Define("env", "report", Func.Wrap((long value) => reports.Enqueue(value)));
        var healthy = kernel.Load(HealthyModule);
        var bad = kernel.Load(BadModule);

        var tasks = new List<(long N, TaskHandle Handle)>(Healthy);
        void SpawnHealthy(int from, int to)
        {
            for (int n = from; n < to; n++)
            {
                var handle = kernel.Spawn(healthy, (n % 3) switch { 0 => "compute", 1 => "sleepy", _ => "listener" }, Value.I64(n));
                if (n % 3 == 2) Assert.Equal(DeliveryResult.Delivered, kernel.Send(handle.Id, 0, BitConverter.GetBytes(3L * n)));
                tasks.Add((n, handle));
            }
        }

        SpawnHealthy(0, Healthy / 2);
        // One spinner per worker: without preemption they would hold every worker for ever.
        var spinners = Enumerable.Range(0, kernel.Options.Workers).Select(_ => kernel.Spawn(bad, "spin")).ToList();
        var unreachable = kernel.Spawn(bad, "unreachable");
        var divide = kernel.Spawn(bad, "divide", Value.I32(7));
        var recurse = kernel.Spawn(bad, "recurse", Value.I64(0));
        var hog = kernel.Spawn(bad, "hog");
        SpawnHealthy(Healthy / 2, Healthy);

        var exits = await Task.WhenAll(tasks.Select(t => t.Handle.Exited)).WaitAsync(s_bound - clock.Elapsed);
        var healthyDone = clock.Elapsed;
        int right = 0;
        for (int i = 0; i < tasks.Count; i++)
        {
            long n = tasks[i].N;
            long expected = Squares(n) + (n % 3 == 2 ? 3 * n : 0);
            Assert.True(exits[i].Kind == ExitKind.Normal, $"task {n}: {exits[i]}");
            Assert.Equal(expected, exits[i].Results[0].AsI64());
            right++;
        }

        async Task<ExitReason> End(TaskHandle handle) => await handle.Exited.WaitAsync(s_bound - clock.Elapsed);
        var trapped = await End(unreachable);
        Assert.Equal((ExitKind.Trapped, TrapKind.Unreachable), (trapped.Kind, trapped.Trap));
        var divided = await End(divide);
        Assert.Equal((ExitKind.Trapped, TrapKind.IntegerDivideByZero), (divided.Kind, divided.Trap));
        var exhausted = await End(recurse);
        Assert.Equal((ExitKind.Trapped, TrapKind.StackExhausted), (exhausted.Kind, exhausted.Trap));
        var hogged = await End(hog);
        Assert.Equal((ExitKind.Trapped, TrapKind.Unreachable), (hogged.Kind, hogged.Trap));
        // memory.grow failed exactly at the task's limit: 32 MiB = 512 pages of 64 KiB.
        Assert.Equal([(long)LimitPages], reports);

        // The spinners were still running all along; killed, they stop at a loop head.
        Assert.All(spinners, s => Assert.False(s.Exited.IsCompleted, "a spinner ended before it was killed"));
        foreach (var spinner in spinners) Assert.True(kernel.Kill(spinner.Id, "test"));
        foreach (var spinner in spinners) Assert.Equal(ExitKind.Killed, (await End(spinner)).Kind);
        Assert.Equal(0, kernel.LiveTasks);

        output.WriteLine($"{right:N0} of {Healthy:N0} healthy tasks returned their values in {healthyDone.TotalSeconds:F2} s " +
            $"beside {spinners.Count} spinners (killed), 1 unreachable, 1 divide by zero, 1 stack exhaustion, " +
            $"1 memory hog (stopped at {reports.Single()} pages); {clock.Elapsed.TotalSeconds:F2} s in all");
    }
}
