using System.Diagnostics;

namespace Tessera.Bench;

/// <summary>
/// Times wabt's <c>wasm-validate</c> (Debian package wabt) on a module, as a reference point for
/// the front end's throughput. Whole-process time, so it includes wabt's start-up (a few ms).
/// </summary>
internal static class WabtPeer
{
    /// <summary>Median wall time of <paramref name="runs"/> runs, or null when wasm-validate is not installed.</summary>
    public static double? MedianValidateMilliseconds(byte[] module, int runs)
    {
        var path = Path.Combine(Path.GetTempPath(), $"tessera-bench-{Environment.ProcessId}.wasm");
        File.WriteAllBytes(path, module);
        try
        {
            var times = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                var clock = Stopwatch.StartNew();
                using var process = Process.Start(new ProcessStartInfo("wasm-validate", path) { RedirectStandardError = true });
                if (process is null) return null;
                process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0) throw new InvalidOperationException("wasm-validate rejected the benchmark module");
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            return times[times.Count / 2];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // not installed
        }
        finally
        {
            File.Delete(path);
        }
    }
}
