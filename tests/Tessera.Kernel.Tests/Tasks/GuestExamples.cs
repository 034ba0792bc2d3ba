using System.Diagnostics;

namespace Tessera.Kernel.Tests.Tasks;

/// <summary>guest/examples, built once per test run by guest/examples/build.sh (clang-14, which
/// scripts/install-deps.sh installs).</summary>
internal static class GuestExamples
{
    private static readonly Lazy<string> s_built = new(Build);

    public static string Path(string file) => System.IO.Path.Combine(s_built.Value, file);

    private static string Build()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(System.IO.Path.Combine(root, "Tessera.slnx"))) root = System.IO.Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no repository root");
        string output = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tessera-task-examples-" + Environment.ProcessId);
        var info = new ProcessStartInfo(System.IO.Path.Combine(root, "guest", "examples", "build.sh")) { RedirectStandardError = true };
        info.ArgumentList.Add(output);
        using var process = Process.Start(info)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "guest/examples/build.sh failed: " + errors);
        return output;
    }
}
