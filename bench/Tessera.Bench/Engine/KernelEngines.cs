using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TesseraRuntime = Tessera.Wasm.Runtime;

namespace Tessera.Bench.Engine;

/// <summary>What one engine did with one kernel: the result of <c>run(n)</c> and the time of each timed call.</summary>
internal sealed record KernelTiming(long Result, double[] TimesMs);

/// <summary>An engine in this process: compiles and instantiates a module and hands back its
/// <c>run(i32) -> i64</c> export. Throws when the engine cannot run the module.</summary>
internal interface IInProcessEngine
{
    string Name { get; }
    Func<int, long> Prepare(string wasmPath);
}

internal static class Timing
{
    /// <summary>
    /// Calls each engine's entry warmup + runs times, round-robin (one call of each engine, then the
    /// next round), so that a change in the machine's load during the measurement falls on every
    /// engine alike instead of on whichever ran last. Every call must return the same value, since
    /// each kernel rebuilds its input from a fixed seed. An engine whose call throws drops out with
    /// its exception; the others go on.
    /// </summary>
    public static (KernelTiming? Timing, Exception? Error)[] RoundRobin(IReadOnlyList<Func<int, long>?> entries, int n, int warmup, int runs)
    {
        var results = new long?[entries.Count];
        var times = new double[entries.Count][];
        var errors = new Exception?[entries.Count];
        for (int e = 0; e < entries.Count; e++) times[e] = new double[runs];
        for (int i = 0; i < warmup + runs; i++)
        {
            for (int e = 0; e < entries.Count; e++)
            {
                if (entries[e] is not { } entry || errors[e] is not null) continue;
                // Collect first so one call's garbage is not charged to the next call.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                try
                {
                    long start = Stopwatch.GetTimestamp();
                    long result = entry(n);
                    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (results[e] is { } first && first != result) throw new InvalidOperationException($"call {i} returned {result}, the first returned {first}");
                    results[e] = result;
                    if (i >= warmup) times[e][i - warmup] = ms;
                }
                catch (Exception ex)
                {
                    errors[e] = ex;
                }
            }
        }
        return [.. Enumerable.Range(0, entries.Count).Select(e =>
            errors[e] is { } ex ? ((KernelTiming?)null, ex) : results[e] is { } r ? (new KernelTiming(r, times[e]), (Exception?)null) : (null, null))];
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>Tessera through its public embedding API, in this process. Unless
/// <paramref name="collectible"/>, its code is kept for the life of the process, as
/// <c>tessera run</c> keeps it, so the .NET runtime tiers it (EngineOptions.CollectibleCode).</summary>
internal sealed class TesseraEngine(bool collectible = false, TesseraRuntime.BoundsChecks bounds = TesseraRuntime.BoundsChecks.GuardPages, string name = "tessera") : IInProcessEngine
{
    private readonly TesseraRuntime.Engine _engine = new(Tessera.Wasm.WasmFeatures.Wasm2, new TesseraRuntime.EngineOptions { CollectibleCode = collectible, BoundsChecks = bounds });

    public string Name => name;

    /// <summary>The bounds checks the engine really uses (guard pages fall back where unavailable).</summary>
    public TesseraRuntime.BoundsChecks Bounds => _engine.BoundsChecks;

    public string? Unavailable => _engine.GuardPagesUnavailableReason;

    public Func<int, long> Prepare(string wasmPath)
    {
        var module = TesseraRuntime.Module.FromBytes(_engine, File.ReadAllBytes(wasmPath));
        var instance = HostCallLinker().Instantiate(new TesseraRuntime.Store(_engine), module);
        var run = instance.GetFunc("run") ?? throw new InvalidOperationException("no export run");
        // The typed call, as Wasmtime's side uses its typed wrapper.
        return run.AsDelegate<Func<int, long>>();
    }

    /// <summary>A linker with the host-call probe's import, env.inc(x) = x + 1 as a typed host
    /// function (as Wasmtime's side defines it); kernels import nothing.</summary>
    public static TesseraRuntime.Linker HostCallLinker() => new TesseraRuntime.Linker().Define("env", "inc",
        TesseraRuntime.Func.Wrap((int x) => x + 1));
}

/// <summary>Wasmtime (Cranelift, default configuration) through the Wasmtime NuGet package, in this process.</summary>
internal sealed class WasmtimeEngine : IInProcessEngine, IDisposable
{
    // What Prepare created, kept alive while its entry may be called; released with the engine.
    private readonly List<IDisposable> _owned = [];

    public Wasmtime.Engine Engine { get; } = new();

    public string Name => "wasmtime";

    public Func<int, long> Prepare(string wasmPath)
    {
        var module = Wasmtime.Module.FromBytes(Engine, Path.GetFileName(wasmPath), File.ReadAllBytes(wasmPath));
        var store = new Wasmtime.Store(Engine);
        var linker = HostCallLinker();
        _owned.AddRange([linker, store, module]);
        var instance = linker.Instantiate(store, module);
        return instance.GetFunction<int, long>("run") ?? throw new InvalidOperationException("no export run (i32) -> i64");
    }

    public Wasmtime.Linker HostCallLinker()
    {
        var linker = new Wasmtime.Linker(Engine);
        linker.DefineFunction("env", "inc", (int x) => x + 1);
        return linker;
    }

    /// <summary>Releases what <see cref="Prepare"/> created, for a kernel whose timing is done.</summary>
    public void ReleaseInstances()
    {
        foreach (var item in _owned) item.Dispose();
        _owned.Clear();
    }

    public void Dispose()
    {
        ReleaseInstances();
        Engine.Dispose();
    }
}

/// <summary>V8 through node: bench/engine-node.mjs loads the module and times the calls itself, so
/// process start and compilation are outside the figures, as for the in-process engines.</summary>
internal sealed class NodeEngine(string script)
{
    public string Name => "node";

    public KernelTiming Run(string wasmPath, int n, int warmup, int runs)
    {
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, wasmPath, n.ToString(CultureInfo.InvariantCulture), warmup.ToString(CultureInfo.InvariantCulture), runs.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start node");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"node exited with {process.ExitCode}: {stderr.Result.Trim()}");
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        long result = long.Parse(root.GetProperty("result").GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var times = root.GetProperty("times_ms").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        return new KernelTiming(result, times);
    }

    public static string? Version()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true });
            string v = process!.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return v;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
