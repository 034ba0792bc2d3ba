using System.Collections.Concurrent;
using Tessera.Kernel.Tasks;
using Tessera.Wasm.Runtime;

namespace Tessera.Kernel.Tests.Tasks;

/// <summary>
/// What guests tell the tests: the host function <c>env.report(i64)</c>, its values in the order
/// they came, read with a patience long enough for a loaded CI machine.
/// </summary>
internal sealed class GuestReports
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly BlockingCollection<long> _values = new();

    /// <summary>Defines <c>env.report</c> in <paramref name="kernel"/>'s linker, reporting here.</summary>
    public GuestReports(Kernel kernel) => Listen(kernel);

    /// <summary>Has the guests of another kernel report here too.</summary>
    public void Listen(Kernel kernel) => kernel.Linker.Define("env", "report", Func.Wrap((long value) => _values.Add(value)));

    /// <summary>The next value reported; fails the test when none comes in time.</summary>
    public long Next()
    {
        Assert.True(_values.TryTake(out long value, Patience), "no report");
        return value;
    }

    /// <summary>How <paramref name="task"/> ended; fails the test when it does not end in time.</summary>
    public static ExitReason Join(TaskHandle task)
    {
        Assert.True(task.Exited.Wait(Patience), $"{task.Id} did not end");
        return task.Exited.Result;
    }
}
