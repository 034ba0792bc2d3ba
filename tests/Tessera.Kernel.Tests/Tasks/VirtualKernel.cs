using Tessera.Kernel.Tasks;
using Tessera.Platform.Clocks;
using Tessera.Wasm.Runtime;

namespace Tessera.Kernel.Tests.Tasks;

/// <summary>
/// A deterministic kernel (<see cref="KernelOptions.Deterministic"/>) for tests of timing logic:
/// its tasks run on the test's thread inside <see cref="Kernel.RunUntil"/>, and time is the
/// <see cref="Clock"/>, which moves only to timer deadlines or by <see cref="Kernel.Advance"/>.
/// Guests report through <c>env.report(i64)</c> into <see cref="Reports"/>, in order, and when
/// into <see cref="ReportedAt"/>.
/// </summary>
internal sealed class VirtualKernel : IDisposable
{
    public VirtualKernel(KernelOptions? options = null)
    {
        Kernel = new Kernel((options ?? new KernelOptions()) with { Deterministic = true, Clock = Clock });
        Kernel.Linker.Define("env", "report", Func.Wrap((long value) =>
        {
            Reports.Add(value);
            ReportedAt.Add(Milliseconds);
        }));
    }

    public ManualClock Clock { get; } = new();

    public Kernel Kernel { get; }

    /// <summary>What the guests reported. Only the test's thread touches it: tasks run there.</summary>
    public List<long> Reports { get; } = new();

    /// <summary>The virtual time (<see cref="Milliseconds"/>) of each report.</summary>
    public List<long> ReportedAt { get; } = new();

    /// <summary>Virtual milliseconds since the kernel was made.</summary>
    public long Milliseconds => Clock.NowNanoseconds / 1_000_000;

    /// <summary>Runs the kernel until <paramref name="done"/>; fails the test when it would hang.</summary>
    public void RunUntil(Func<bool> done) => Assert.True(Kernel.RunUntil(done, GuestReports.Patience), "the kernel ran out of patience");

    /// <summary>Runs the kernel until <paramref name="task"/> ends, and says how.</summary>
    public ExitReason Run(TaskHandle task)
    {
        RunUntil(() => task.Exited.IsCompleted);
        return task.Exited.Result;
    }

    public void Dispose() => Kernel.Dispose();
}
