using System.Diagnostics;
using Tessera.Kernel.Tasks;
using Tessera.Wasm.Runtime;

namespace Tessera.Kernel.Tests.Tasks;

/// <summary>
/// The C examples in guest/examples, built with clang-14 (scripts/install-deps.sh installs it) by
/// guest/examples/build.sh against guest/include/tessera/task.h, run as tasks.
/// </summary>
public sealed class GuestProgramTests : IDisposable
{
    private static readonly Lazy<string> s_built = new(Build);
    private readonly Kernel _kernel = new(new KernelOptions { Workers = 2 });

    public void Dispose() => _kernel.Dispose();

    private static string Build()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Tessera.slnx"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no repository root");
        string output = Path.Combine(Path.GetTempPath(), "tessera-task-examples-" + Environment.ProcessId);
        var info = new ProcessStartInfo(Path.Combine(root, "guest", "examples", "build.sh")) { RedirectStandardError = true };
        info.ArgumentList.Add(output);
        using var process = Process.Start(info)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "guest/examples/build.sh failed: " + errors);
        return output;
    }

    [Fact]
    public async Task PingPongInCSumsTheAnswers()
    {
        var module = _kernel.Load(File.ReadAllBytes(Path.Combine(s_built.Value, "pingpong.wasm")));
        var task = _kernel.Spawn(module, "run", Value.I64(10_000));
        var reason = await task.Exited.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(ExitKind.Normal, reason.Kind);
        // answers are 1 .. 10000: 10000 * 10001 / 2
        Assert.Equal(50_005_000L, reason.Results[0].AsI64());
    }
}
