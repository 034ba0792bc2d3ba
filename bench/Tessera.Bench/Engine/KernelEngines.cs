using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Tessera.Wasm.Model;
using TesseraRuntime = Tessera.Wasm.Runtime;

namespace Tessera.Bench.Engine;

/// <summary>What one engine did with one kernel: the result of <c>run(n)</c> and the time of each timed call.</summary>
internal sealed record KernelTiming(long Result, double[] TimesMs);

/// <summary>An engine that runs a module's <c>run(i32) -> i64</c> export: 1 + <c>warmup</c> + <c>runs</c>
/// calls on one instance (warm-up calls are not timed). Throws when the engine cannot run the module.</summary>
internal interface IKernelEngine
{
    string Name { get; }
    KernelTiming Run(string wasmPath, int n, int warmup, int runs);
}

/// <summary>Runs <paramref name="call"/> warmup + runs times and keeps the timed ones. Every call must
/// return the same value, since each kernel rebuilds its input from a fixed seed.</summary>
internal static class Timing
{
    public static KernelTiming Repeat(Func<long> call, int warmup, int runs)
    {
        long? first = null;
        var times = new double[runs];
        for (int i = 0; i < warmup + runs; i++)
        {
            // Collect before each call so one run's garbage is not charged to the next (the engines
            // here allocate little while running, but Tessera's boundary values are objects).
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long start = Stopwatch.GetTimestamp();
            long result = call();
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (first is { } f && f != result) throw new InvalidOperationException($"call {i} returned {result}, the first returned {f}");
            first = result;
            if (i >= warmup) times[i - warmup] = ms;
        }
        return new KernelTiming(first!.Value, times);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>Tessera through its public embedding API, in this process.</summary>
internal sealed class TesseraEngine : IKernelEngine
{
    private readonly TesseraRuntime.Engine _engine = new();

    public string Name => "tessera";

    public KernelTiming Run(string wasmPath, int n, int warmup, int runs)
    {
        var module = TesseraRuntime.Module.FromBytes(_engine, File.ReadAllBytes(wasmPath));
        var instance = HostCallLinker().Instantiate(new TesseraRuntime.Store(_engine), module);
        var run = instance.GetFunc("run") ?? throw new InvalidOperationException("no export run");
        var arg = TesseraRuntime.Value.I32(n);
        return Timing.Repeat(() => run.Invoke(arg)[0].AsI64(), warmup, runs);
    }

    /// <summary>A linker with the host-call probe's import, env.inc(x) = x + 1; kernels import nothing.</summary>
    public static TesseraRuntime.Linker HostCallLinker() => new TesseraRuntime.Linker().Define("env", "inc",
        new TesseraRuntime.Func(new FuncType([ValType.I32], [ValType.I32]), args => [TesseraRuntime.Value.I32(args[0].AsI32() + 1)]));
}

/// <summary>Wasmtime (Cranelift, default configuration) through the Wasmtime NuGet package, in this process.</summary>
internal sealed class WasmtimeEngine : IKernelEngine, IDisposable
{
    public Wasmtime.Engine Engine { get; } = new();

    public string Name => "wasmtime";

    public KernelTiming Run(string wasmPath, int n, int warmup, int runs)
    {
        using var module = Wasmtime.Module.FromBytes(Engine, Path.GetFileName(wasmPath), File.ReadAllBytes(wasmPath));
        using var store = new Wasmtime.Store(Engine);
        using var linker = HostCallLinker();
        var instance = linker.Instantiate(store, module);
        var run = instance.GetFunction<int, long>("run") ?? throw new InvalidOperationException("no export run (i32) -> i64");
        return Timing.Repeat(() => run(n), warmup, runs);
    }

    public Wasmtime.Linker HostCallLinker()
    {
        var linker = new Wasmtime.Linker(Engine);
        linker.DefineFunction("env", "inc", (int x) => x + 1);
        return linker;
    }

    public void Dispose() => Engine.Dispose();
}

/// <summary>V8 through node: bench/engine-node.mjs loads the module and times the calls itself, so
/// process start and compilation are outside the figures, as for the in-process engines.</summary>
internal sealed class NodeEngine(string script) : IKernelEngine
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
