using Tessera.Kernel.Tasks;
using Tessera.Wasm.Runtime;
using static Tessera.Kernel.Tests.Tasks.GuestModules;

namespace Tessera.Kernel.Tests.Tasks;

/// <summary>
/// Tasks spawned into the spawner's own instance (<c>spawn_local</c>): they share its memory, take
/// turns in it (never two at once, on a kernel with two workers), die alone, and keep the instance
/// alive after the spawner ends. Expected values are arithmetic by hand in the comments.
/// </summary>
public sealed class SharedInstanceTests : IDisposable
{
    private readonly Kernel _kernel = new(new KernelOptions { Workers = 2 });
    private readonly GuestReports _reports;

    public SharedInstanceTests() => _reports = new GuestReports(_kernel);

    public void Dispose() => _kernel.Dispose();

    private static ExitReason Join(TaskHandle task) => GuestReports.Join(task);

    private long NextReport() => _reports.Next();

    [Fact]
    public void LocalTasksShareMemoryAndNeverRunAtOnce()
    {
        // 8 children each add 1 to memory[0] 2,000 times with a plain load and store, yielding after
        // each. Run at once on two workers they would lose updates; taking turns, none is lost.
        var module = _kernel.Load(Module("""
            (func $child (param $parent i64) (local $i i32)
              (loop $next
                (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
                (call $yield)
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $next (i32.lt_u (local.get $i) (i32.const 2000))))
              (drop (call $send_value (local.get $parent) (i32.const 1) (i64.const 0))))
            (func (export "parent") (local $i i32)
              (loop $spawn
                (drop (call $spawn_local (i32.const 0) (call $self)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $spawn (i32.lt_u (local.get $i) (i32.const 8))))
              (local.set $i (i32.const 0))
              (loop $wait
                (drop (call $receive_value (i32.const 1) (i64.const -1)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $wait (i32.lt_u (local.get $i) (i32.const 8))))
              (call $report (i64.load32_u (i32.const 0))))
            """, "$child"));
        Assert.Equal(ExitKind.Normal, Join(_kernel.Spawn(module, "parent")).Kind);
        // 8 * 2,000
        Assert.Equal(16_000, NextReport());
    }

    [Fact]
    public void KillingALocalTaskWhileItSpinsLeavesTheOthersRunning()
    {
        // The child spins with its instance's turn; the host kills it. The kill must reach the
        // child only: the parent, same instance, goes on and reads what the child wrote.
        var module = _kernel.Load(Module("""
            (func $spinner (param i64)
              (i32.store (i32.const 0) (i32.const 41))
              (call $report (i64.const 41))
              (loop $forever (br $forever)))
            (func (export "parent") (local $child i64)
              (local.set $child (call $spawn_local (i32.const 0) (i64.const 0)))
              (drop (call $monitor (local.get $child)))
              (call $report (local.get $child))
              ;; the DOWN notice: task id, exit kind, trap kind
              (drop (call $receive (i32.const -2) (i32.const 16) (i32.const 16) (i64.const -1) (i32.const 0)))
              (call $report (i64.load32_s (i32.const 24)))
              (call $report (i64.extend_i32_u (i32.add (i32.load (i32.const 0)) (i32.const 1)))))
            """, "$spinner"));
        var parent = _kernel.Spawn(module, "parent");
        var child = new TaskId(NextReport());
        // the child has the instance and spins
        Assert.Equal(41, NextReport());
        Assert.True(_kernel.Kill(child));
        Assert.Equal(ExitKind.Normal, Join(parent).Kind);
        Assert.Equal((long)ExitKind.Killed, NextReport());
        // 41 + 1
        Assert.Equal(42, NextReport());
    }

    [Fact]
    public void TrappingLocalTaskDiesAloneAndTheInstanceGoesOn()
    {
        var module = _kernel.Load(Module("""
            (func $crash (param i64)
              (i32.store (i32.const 0) (i32.const 7))
              (drop (i32.div_s (i32.const 1) (i32.const 0))))
            (func (export "parent") (local $child i64)
              (local.set $child (call $spawn_local (i32.const 0) (i64.const 0)))
              (drop (call $monitor (local.get $child)))
              (drop (call $receive (i32.const -2) (i32.const 16) (i32.const 16) (i64.const -1) (i32.const 0)))
              (call $report (i64.load32_s (i32.const 24)))
              (call $report (i64.load32_s (i32.const 28)))
              (call $report (i64.extend_i32_u (i32.mul (i32.load (i32.const 0)) (i32.const 6)))))
            """, "$crash"));
        Assert.Equal(ExitKind.Normal, Join(_kernel.Spawn(module, "parent")).Kind);
        Assert.Equal((long)ExitKind.Trapped, NextReport());
        Assert.Equal((long)TrapKind.IntegerDivideByZero, NextReport());
        // 7 * 6
        Assert.Equal(42, NextReport());
    }

    [Fact]
    public void TheInstanceOutlivesItsSpawner()
    {
        // The parent writes, spawns two children that sleep, and ends at once; on virtual time
        // the children certainly wake after it ended, still read the parent's memory, and run
        // beside each other.
        using var v = new VirtualKernel();
        var module = v.Kernel.Load(Module("""
            (func $late (param i64)
              (call $sleep (i64.const 20))
              (call $report (i64.add (i64.load (i32.const 8)) (local.get 0))))
            (func (export "parent")
              (i64.store (i32.const 8) (i64.const 1000))
              (drop (call $spawn_local (i32.const 0) (i64.const 1)))
              (drop (call $spawn_local (i32.const 0) (i64.const 2))))
            """, "$late"));
        var parent = v.Kernel.Spawn(module, "parent");
        Assert.Equal(ExitKind.Normal, v.Run(parent).Kind);
        Assert.Equal(0, v.Milliseconds);
        v.RunUntil(() => v.Kernel.LiveTasks == 0);
        // 1000 + 1 and 1000 + 2, in either order, both at 20 ms
        Assert.Equal([1001L, 1002], v.Reports.Order());
        Assert.Equal([20L, 20], v.ReportedAt);
    }

    [Fact]
    public void LocalSpawnOfASlotThatIsNotAnEntryEndsTheNewTaskOnly()
    {
        // slot 0 takes no argument, so it cannot be a task's entry: that task ends with BadEntry,
        // the spawner goes on.
        var module = _kernel.Load(Module("""
            (func $wrong (result i32) (i32.const 0))
            (func (export "parent") (local $child i64)
              (local.set $child (call $spawn_local (i32.const 0) (i64.const 0)))
              (drop (call $monitor (local.get $child)))
              (drop (call $receive (i32.const -2) (i32.const 16) (i32.const 16) (i64.const -1) (i32.const 0)))
              (call $report (i64.load32_s (i32.const 24))))
            """, "$wrong"));
        Assert.Equal(ExitKind.Normal, Join(_kernel.Spawn(module, "parent")).Kind);
        Assert.Equal((long)ExitKind.BadEntry, NextReport());
    }
}
