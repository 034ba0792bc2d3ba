using Tessera.Kernel.Tasks;
using Tessera.Wasm.Runtime;

namespace Tessera.Kernel.Tests.Tasks;

/// <summary>
/// The C examples in guest/examples, built with clang-14 (scripts/install-deps.sh installs it) by
/// guest/examples/build.sh against guest/include/tessera/task.h, run as tasks.
/// </summary>
public sealed class GuestProgramTests : IDisposable
{
    private readonly Kernel _kernel = new(new KernelOptions { Workers = 2 });

    public void Dispose() => _kernel.Dispose();

    [Fact]
    public async Task PingPongInCSumsTheAnswers()
    {
        var module = _kernel.Load(File.ReadAllBytes(GuestExamples.Path("pingpong.wasm")));
        var task = _kernel.Spawn(module, "run", Value.I64(10_000));
        var reason = await task.Exited.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(ExitKind.Normal, reason.Kind);
        // answers are 1 .. 10000: 10000 * 10001 / 2
        Assert.Equal(50_005_000L, reason.Results[0].AsI64());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task SupervisorInCRestartsItsCrashingWorkerUntilItAnswers(int crashes)
    {
        var module = _kernel.Load(File.ReadAllBytes(GuestExamples.Path("supervisor.wasm")));
        var reason = await _kernel.Spawn(module, "run", Value.I64(crashes)).Exited.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(ExitKind.Normal, reason.Kind);
        long packed = reason.Results[0].AsI64();
        // one restart per crash; the sum 1 + ... + 1000 = 1000 * 1001 / 2
        Assert.Equal(crashes, packed >> 32);
        Assert.Equal(500_500, packed & 0xffff_ffff);
        Assert.Equal(0, _kernel.LiveTasks);
    }

    [Fact]
    public async Task HandOffInCMovesOneBufferBackAndForthIntact()
    {
        var module = _kernel.Load(File.ReadAllBytes(GuestExamples.Path("handoff.wasm")));
        var reason = await _kernel.Spawn(module, "run", Value.I64(5)).Exited.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(ExitKind.Normal, reason.Kind);
        // No wrong word (high half), and the buffer came back after each of the 5 rounds.
        Assert.Equal(5L, reason.Results[0].AsI64());
        Assert.Equal(0, _kernel.LiveTasks);
    }
}
