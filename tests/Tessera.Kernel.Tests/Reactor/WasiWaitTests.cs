using Tessera.Kernel.Tasks;
using Tessera.Kernel.Tests.Tasks;
using Tessera.Wasi;
using Tessera.Wasm.Runtime;

namespace Tessera.Kernel.Tests.Reactor;

/// <summary>WASI calls that wait, made by tasks: they park instead of blocking a worker.</summary>
public sealed class WasiWaitTests : IDisposable
{
    private readonly Kernel _kernel = new(new KernelOptions { Workers = 2 });

    public void Dispose() => _kernel.Dispose();

    /// <summary>nap(ms): poll_oneoff on one relative monotonic clock subscription (userdata 77),
    /// checks the one event it reports, and returns the nanoseconds that passed (clock_time_get).
    /// Layouts from the witx: subscription 48 bytes (userdata 0, tag 8, clock id 16, timeout 24,
    /// precision 32, flags 40), event 32 bytes (userdata 0, error 8, type 10).</summary>
    private const string Nap = """
        (module
          (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "clock_time_get" (func $time (param i32 i64 i32) (result i32)))
          (memory 1)
          (func (export "nap") (param $ms i64) (result i64)
            (local $start i64)
            (drop (call $time (i32.const 1) (i64.const 1) (i32.const 200)))
            (local.set $start (i64.load (i32.const 200)))
            (i64.store (i32.const 0) (i64.const 77))
            (i32.store8 (i32.const 8) (i32.const 0))
            (i32.store (i32.const 16) (i32.const 1))
            (i64.store (i32.const 24) (i64.mul (local.get $ms) (i64.const 1000000)))
            (i32.store16 (i32.const 40) (i32.const 0))
            (if (call $poll (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 300)) (then unreachable))
            (if (i32.ne (i32.load (i32.const 300)) (i32.const 1)) (then unreachable))
            (if (i64.ne (i64.load (i32.const 100)) (i64.const 77)) (then unreachable))
            (if (i32.load16_u (i32.const 108)) (then unreachable))
            (drop (call $time (i32.const 1) (i64.const 1) (i32.const 200)))
            (i64.sub (i64.load (i32.const 200)) (local.get $start))))
        """;

    [Fact]
    public void TasksSleepingInPollOneoffHoldNoWorker()
    {
        // On virtual time, on one thread: the guest's clock_time_get and poll_oneoff's deadline
        // read the kernel's clock, so each nap measures exactly its 100 ms; had a nap held the
        // one thread, the 200 would end at 20 s, not all at 100 ms.
        const int tasks = 200, milliseconds = 100;
        using var v = new VirtualKernel();
        using var wasi = new WasiContext(new WasiConfiguration());
        var module = v.Kernel.Load(Nap);
        var handles = Enumerable.Range(0, tasks).Select(_ => v.Kernel.Spawn(module, "nap", wasi, Value.I64(milliseconds))).ToArray();
        v.RunUntil(() => handles.All(h => h.Exited.IsCompleted));
        foreach (var handle in handles)
        {
            var reason = v.Run(handle);
            Assert.Equal(ExitKind.Normal, reason.Kind);
            Assert.Equal(milliseconds * 1_000_000L, reason.Results[0].AsI64());
        }
        Assert.Equal(milliseconds, v.Milliseconds);
    }

    [Fact]
    public async Task WasiCallFromATaskWithoutAProgramTraps()
    {
        var module = _kernel.Load(Nap);
        var reason = await _kernel.Spawn(module, "nap", Value.I64(1)).Exited.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ExitKind.Trapped, reason.Kind);
        Assert.Equal(TrapKind.HostError, reason.Trap);
        Assert.Contains("without a WASI context", reason.Detail);
    }
}
