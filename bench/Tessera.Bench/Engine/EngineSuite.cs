using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Wasm.Bench;
using TesseraRuntime = Tessera.Wasm.Runtime;

namespace Tessera.Bench.Engine;

/// <summary>
/// <c>./bench/run engine [--json FILE] [--runs N] [--only a,b] [--bounds guard|explicit|both]</c>: the
/// guest/bench kernels under Tessera, Wasmtime and node, then compile time per MB, instantiation time
/// and host-call cost. <c>tessera</c> is the engine as <c>tessera run</c> configures it (guard pages
/// where available); with <c>--bounds both</c>, the default, <c>tessera_explicit</c> is the same
/// engine with explicit bounds checks, timed in the same round robin.
/// Timing is a plain Stopwatch loop, not BenchmarkDotNet: each call runs 50-500 ms, so timer
/// resolution and loop overhead do not matter, one warm-up call lets the tiered JITs (.NET's for
/// Tessera's generated code, V8's) reach their optimized code, and BenchmarkDotNet's many
/// iterations and separate processes would multiply minutes for no gain in precision. Tessera and
/// Wasmtime are timed round-robin in this process on one instance each (node in a child process
/// right after), and the figure kept is the median of the timed calls, robust against the noise of
/// a shared machine.
/// </summary>
internal static class EngineSuite
{
    private const int HostCalls = 1_000_000;

    public static int Run(string? jsonPath, int runs, int warmup, IReadOnlySet<string>? only, bool collectible = false, string bounds = "both")
    {
        string root = RepoRoot();
        string buildDir = Path.Combine(root, ".build", "guest-bench");
        if (!File.Exists(Path.Combine(buildDir, "expected.tsv")))
        {
            Console.Error.WriteLine($"no kernels in {buildDir}: ./bench/run engine builds them with guest/bench/build.sh");
            return 2;
        }
        var set = BenchKernels.Load(root, buildDir);
        PrintMachine();

        var tessera = new TesseraEngine(collectible, bounds == "explicit" ? TesseraRuntime.BoundsChecks.Explicit : TesseraRuntime.BoundsChecks.GuardPages);
        Console.WriteLine($"tessera code: {(collectible ? "collectible (one full-optimization compile)" : "kept for the process (tiered, as tessera run)")}, bounds checks: {tessera.Bounds}{(tessera.Unavailable is { } why ? " (guard pages unavailable: " + why + ")" : "")}");
        using var wasmtime = new WasmtimeEngine();
        var node = new NodeEngine(Path.Combine(root, "bench", "engine-node.mjs"));
        IInProcessEngine[] inProcess = bounds == "both"
            ? [tessera, wasmtime, new TesseraEngine(collectible, TesseraRuntime.BoundsChecks.Explicit, "tessera_explicit")]
            : [tessera, wasmtime];

        var rows = new List<JsonObject>();
        bool wrong = false;
        foreach (var kernel in set.Kernels)
        {
            if (only is not null && !only.Contains(kernel.Name)) continue;
            long expected = set.Expected(kernel, kernel.BenchN);
            var row = new JsonObject { ["name"] = kernel.Name, ["kind"] = "kernel", ["n"] = kernel.BenchN, ["expected"] = expected };
            foreach (var (engine, (median, times, error)) in Measure(inProcess, node, set.WasmPath(kernel.Name), kernel.BenchN, warmup, runs, expected))
            {
                if (error is not null && error.StartsWith("WRONG", StringComparison.Ordinal))
                {
                    wrong = true;
                    Console.Error.WriteLine($"*** {kernel.Name} under {engine}: {error}");
                }
                row[engine + "_ms"] = median;
                row[engine + "_times_ms"] = times is null ? null : new JsonArray(times.Select(t => (JsonNode)Math.Round(t, 3)).ToArray());
                row[engine + "_error"] = error;
            }
            wasmtime.ReleaseInstances();
            row["tessera_over_wasmtime"] = Ratio(row["tessera_ms"], row["wasmtime_ms"]);
            row["node_over_wasmtime"] = Ratio(row["node_ms"], row["wasmtime_ms"]);
            if (row.ContainsKey("tessera_explicit_ms")) row["tessera_explicit_over_wasmtime"] = Ratio(row["tessera_explicit_ms"], row["wasmtime_ms"]);
            rows.Add(row);
            Console.Error.WriteLine($"  {kernel.Name}: tessera {Show(row, "tessera")}, wasmtime {Show(row, "wasmtime")}, node {Show(row, "node")}");
        }
        PrintKernelTable(rows);

        var extra = new List<JsonObject>();
        if (only is null)
        {
            extra.AddRange(CompileTimes(set, wasmtime, buildDir));
            extra.Add(InstantiateTime(Path.Combine(buildDir, "hostcall.wasm"), wasmtime));
            extra.Add(HostCallCost(Path.Combine(buildDir, "hostcall.wasm"), inProcess, node, warmup, runs));
            wasmtime.ReleaseInstances();
            PrintExtraTable(extra);
            wrong |= extra.Any(r => new[] { "tessera", "wasmtime", "node" }.Any(e => r[e + "_error"]?.GetValue<string>().StartsWith("WRONG", StringComparison.Ordinal) == true));
        }

        if (jsonPath is not null)
        {
            var array = new JsonArray(rows.Concat(extra).Select(r => (JsonNode)r).ToArray());
            File.WriteAllText(jsonPath, array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            Console.WriteLine($"wrote {jsonPath}");
        }
        if (wrong) Console.Error.WriteLine("*** at least one engine returned a WRONG RESULT (see above)");
        return wrong ? 1 : 0;
    }

    /// <summary>Runs one module under every engine and checks each result; an engine that cannot run
    /// it (an unsupported feature, a trap, a missing node) is reported as an error rather than ending
    /// the suite, and a result that differs from the expected one is an error that says WRONG.</summary>
    private static List<(string Engine, (double? Median, double[]? Times, string? Error) Outcome)> Measure(
        IInProcessEngine[] inProcess, NodeEngine node, string wasm, int n, int warmup, int runs, long expected)
    {
        var entries = new Func<int, long>?[inProcess.Length];
        var prepareErrors = new Exception?[inProcess.Length];
        for (int e = 0; e < inProcess.Length; e++)
        {
            try
            {
                entries[e] = inProcess[e].Prepare(wasm);
            }
            catch (Exception ex)
            {
                prepareErrors[e] = ex;
            }
        }
        var timings = Timing.RoundRobin(entries, n, warmup, runs);
        var outcomes = new List<(string, (double?, double[]?, string?))>();
        for (int e = 0; e < inProcess.Length; e++)
            outcomes.Add((inProcess[e].Name, Outcome(timings[e].Timing, prepareErrors[e] ?? timings[e].Error, n, expected)));
        KernelTiming? nodeTiming = null;
        Exception? nodeError = null;
        try
        {
            nodeTiming = node.Run(wasm, n, warmup, runs);
        }
        catch (Exception ex)
        {
            nodeError = ex;
        }
        outcomes.Add((node.Name, Outcome(nodeTiming, nodeError, n, expected)));
        return outcomes;
    }

    private static (double? Median, double[]? Times, string? Error) Outcome(KernelTiming? timing, Exception? error, int n, long expected) => error switch
    {
        Wasm.WasmUnsupportedFeatureException e => (null, null, "unsupported: " + e.Message),
        { } e => (null, null, $"{e.GetType().Name}: {e.Message}"),
        null when timing is null => (null, null, "no result"),
        null when timing!.Result != expected => (null, timing.TimesMs, $"WRONG RESULT: run({n}) returned {timing.Result}, expected {expected}"),
        _ => (Math.Round(Timing.Median(timing!.TimesMs), 3), timing.TimesMs, null),
    };

    /// <summary>Module compilation: Tessera's Module.FromBytes (decode, validate, emit CIL) against
    /// Wasmtime's Module.FromBytes (Cranelift to machine code), median of repeats per module. Tessera
    /// leaves the .NET JIT of each emitted method to its first call, so its figure is not the whole
    /// cost of getting to machine code; the table says so.</summary>
    private static IEnumerable<JsonObject> CompileTimes(BenchKernels set, WasmtimeEngine wasmtime, string buildDir)
    {
        var tesseraEngine = new TesseraRuntime.Engine();
        var kernelBytes = set.Kernels.Select(k => (k.Name, Bytes: File.ReadAllBytes(set.WasmPath(k.Name)))).ToList();
        // Only modules that both engines compile enter the sums, so the two per-MB figures cover the same bytes.
        var compiled = kernelBytes.Where(k => TryCompileTessera(tesseraEngine, k.Bytes)).ToList();
        var skipped = kernelBytes.Except(compiled).Select(k => k.Name).ToList();
        yield return CompileRow("compile:kernels", compiled.Select(k => k.Bytes).ToList(), tesseraEngine, wasmtime, repeats: 21,
            skipped.Count == 0 ? null : "not in the sums (Tessera cannot compile them yet): " + string.Join(", ", skipped));
        string big = Path.Combine(buildDir, "wasi-libc.wasm");
        if (File.Exists(big))
        {
            var bytes = File.ReadAllBytes(big);
            yield return TryCompileTessera(tesseraEngine, bytes)
                ? CompileRow("compile:wasi-libc", [bytes], tesseraEngine, wasmtime, repeats: 7, null)
                : new JsonObject { ["name"] = "compile:wasi-libc", ["kind"] = "compile", ["bytes"] = bytes.Length, ["tessera_ms"] = null, ["wasmtime_ms"] = null, ["node_ms"] = null, ["tessera_error"] = "Tessera cannot compile it" };
        }
    }

    private static bool TryCompileTessera(TesseraRuntime.Engine engine, byte[] bytes)
    {
        try
        {
            TesseraRuntime.Module.FromBytes(engine, bytes);
            return true;
        }
        catch (Wasm.WasmException)
        {
            return false;
        }
    }

    private static JsonObject CompileRow(string name, List<byte[]> modules, TesseraRuntime.Engine tesseraEngine, WasmtimeEngine wasmtime, int repeats, string? note)
    {
        double tessera = 0, wt = 0;
        foreach (var bytes in modules)
        {
            tessera += MedianOf(repeats, () => TesseraRuntime.Module.FromBytes(tesseraEngine, bytes));
            wt += MedianOf(repeats, () => Wasmtime.Module.FromBytes(wasmtime.Engine, "m", bytes).Dispose());
        }
        long total = modules.Sum(m => (long)m.Length);
        double mb = total / 1e6;
        return new JsonObject
        {
            ["name"] = name,
            ["kind"] = "compile",
            ["modules"] = modules.Count,
            ["bytes"] = total,
            ["tessera_ms"] = Math.Round(tessera, 3),
            ["wasmtime_ms"] = Math.Round(wt, 3),
            ["node_ms"] = null,
            ["tessera_ms_per_mb"] = Math.Round(tessera / mb, 1),
            ["wasmtime_ms_per_mb"] = Math.Round(wt / mb, 1),
            ["note"] = note,
        };
    }

    /// <summary>Median wall time of <paramref name="repeats"/> calls after one untimed call.</summary>
    private static double MedianOf(int repeats, Action action)
    {
        action();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return Timing.Median(times);
    }

    /// <summary>Instantiating an already compiled small module (hostcall.wasm: one imported function,
    /// one exported, a 64 KiB memory): a new store and an instance each time, as an embedder that
    /// isolates requests would. Median over batches, per instance.</summary>
    private static JsonObject InstantiateTime(string wasm, WasmtimeEngine wasmtime)
    {
        const int batch = 200, batches = 41;
        var bytes = File.ReadAllBytes(wasm);
        var tEngine = new TesseraRuntime.Engine();
        var tModule = TesseraRuntime.Module.FromBytes(tEngine, bytes);
        var tLinker = TesseraEngine.HostCallLinker();
        double tessera = PerItemMicroseconds(batch, batches, () => tLinker.Instantiate(new TesseraRuntime.Store(tEngine), tModule));
        // The same from a pre-linked module (imports resolved and type-checked once), as the
        // kernel spawns: what instantiation costs without the per-call name lookup and type check.
        var tPre = tLinker.InstantiatePre(tModule);
        double pre = PerItemMicroseconds(batch, batches, () => tPre.Instantiate(new TesseraRuntime.Store(tEngine)));
        // Under guard pages the memory's pages are opened (mprotect) at instantiation and closed
        // again when its store is disposed, which this loop does each time: a guarded memory holds
        // 6 GiB of address space until freed, too much to leave to finalizers.
        var gEngine = new TesseraRuntime.Engine(Wasm.WasmFeatures.Wasm2, new TesseraRuntime.EngineOptions { BoundsChecks = TesseraRuntime.BoundsChecks.GuardPages });
        var gModule = TesseraRuntime.Module.FromBytes(gEngine, bytes);
        double guarded = PerItemMicroseconds(batch, batches, () =>
        {
            using var store = new TesseraRuntime.Store(gEngine);
            tLinker.Instantiate(store, gModule);
        });
        using var wModule = Wasmtime.Module.FromBytes(wasmtime.Engine, "hostcall", bytes);
        using var wLinker = wasmtime.HostCallLinker();
        double wt = PerItemMicroseconds(batch, batches, () =>
        {
            // Wasmtime keeps every instance alive until its store goes, so each gets its own store.
            using var store = new Wasmtime.Store(wasmtime.Engine);
            wLinker.Instantiate(store, wModule);
        });
        return new JsonObject
        {
            ["name"] = "instantiate:hostcall.wasm",
            ["kind"] = "instantiate",
            ["bytes"] = bytes.Length,
            ["tessera_ms"] = Math.Round(tessera / 1e3, 6),
            ["wasmtime_ms"] = Math.Round(wt / 1e3, 6),
            ["node_ms"] = null,
            ["tessera_us"] = Math.Round(tessera, 3),
            ["tessera_pre_us"] = Math.Round(pre, 3),
            ["tessera_guard_us"] = gEngine.BoundsChecks == TesseraRuntime.BoundsChecks.GuardPages ? Math.Round(guarded, 3) : null,
            ["wasmtime_us"] = Math.Round(wt, 3),
        };
    }

    private static double PerItemMicroseconds(int batch, int batches, Action action)
    {
        for (int i = 0; i < batch; i++) action(); // warm-up: JIT and first-use costs
        var perItem = new double[batches];
        for (int b = 0; b < batches; b++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++) action();
            perItem[b] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / batch;
        }
        return Timing.Median(perItem);
    }

    /// <summary>Host-call cost: hostcall.wasm's run(n) calls the imported env.inc (x + 1, defined by
    /// the host) n times; the time per call is the median run time over n.</summary>
    private static JsonObject HostCallCost(string wasm, IInProcessEngine[] inProcess, NodeEngine node, int warmup, int runs)
    {
        var row = new JsonObject { ["name"] = "host_call:env.inc", ["kind"] = "host_call", ["calls"] = HostCalls };
        foreach (var (engine, (median, _, error)) in Measure(inProcess, node, wasm, HostCalls, warmup, runs, HostCalls))
        {
            row[engine + "_ms"] = median;
            row[engine + "_ns_per_call"] = median is { } m ? Math.Round(m * 1e6 / HostCalls, 2) : null;
            row[engine + "_error"] = error;
            if (error?.StartsWith("WRONG", StringComparison.Ordinal) == true) Console.Error.WriteLine($"*** host calls under {engine}: {error}");
        }
        return row;
    }

    private static double? Ratio(JsonNode? a, JsonNode? b) =>
        a?.GetValue<double>() is { } x && b?.GetValue<double>() is { } y && y > 0 ? Math.Round(x / y, 3) : null;

    private static string Show(JsonObject row, string engine) =>
        row[engine + "_ms"]?.GetValue<double>() is { } ms ? ms.ToString("F1", CultureInfo.InvariantCulture) + " ms" : row[engine + "_error"]?.GetValue<string>() ?? "-";

    private static void PrintKernelTable(List<JsonObject> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine();
        // The explicit-checks engine, when it ran, gets the last two columns.
        bool both = rows.Any(r => r.ContainsKey("tessera_explicit_ms"));
        sb.AppendLine("| kernel | n | tessera ms | wasmtime ms | node ms | tessera/wasmtime | node/wasmtime |" + (both ? " explicit ms | explicit/wasmtime |" : ""));
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|" + (both ? "---:|---:|" : ""));
        foreach (var r in rows)
        {
            string explicitCells = both ? $" {Cell(r, "tessera_explicit")} | {Num(r["tessera_explicit_over_wasmtime"], "F2")} |" : "";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r["name"]} | {r["n"]} | {Cell(r, "tessera")} | {Cell(r, "wasmtime")} | {Cell(r, "node")} | {Num(r["tessera_over_wasmtime"], "F2")} | {Num(r["node_over_wasmtime"], "F2")} |{explicitCells}");
        }
        string explicitMean = both ? $" | {GeoMean(rows, "tessera_explicit_over_wasmtime")} |" : "";
        sb.AppendLine(CultureInfo.InvariantCulture, $"| **geometric mean** | | | | | {GeoMean(rows, "tessera_over_wasmtime")} | {GeoMean(rows, "node_over_wasmtime")} |{explicitMean}");
        Console.Write(sb.ToString());
        var errors = rows.SelectMany(r => new[] { "tessera", "wasmtime", "node", "tessera_explicit" }
            .Where(e => r[e + "_error"] is not null).Select(e => $"  {r["name"]} under {e}: {r[e + "_error"]}")).ToList();
        if (errors.Count > 0) Console.WriteLine("not measured:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    private static string Cell(JsonObject row, string engine) =>
        row[engine + "_ms"]?.GetValue<double>() is { } ms ? ms.ToString("F1", CultureInfo.InvariantCulture)
        : row[engine + "_error"]?.GetValue<string>() is { } e ? (e.StartsWith("unsupported", StringComparison.Ordinal) ? "unsupported" : e.StartsWith("WRONG", StringComparison.Ordinal) ? "**WRONG**" : "error") : "-";

    private static string Num(JsonNode? node, string format) =>
        node?.GetValue<double>() is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    /// <summary>The geometric mean of a ratio over the kernels where both engines produced a time,
    /// with how many that is, since a kernel one engine cannot run is left out.</summary>
    private static string GeoMean(List<JsonObject> rows, string key)
    {
        var ratios = rows.Select(r => r[key]?.GetValue<double>()).OfType<double>().ToList();
        if (ratios.Count == 0) return "-";
        double g = Math.Exp(ratios.Average(Math.Log));
        return g.ToString("F2", CultureInfo.InvariantCulture) + (ratios.Count < rows.Count ? $" ({ratios.Count} of {rows.Count})" : "");
    }

    private static void PrintExtraTable(List<JsonObject> extra)
    {
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine("| measurement | tessera | wasmtime | node |");
        sb.AppendLine("|---|---:|---:|---:|");
        foreach (var r in extra)
        {
            switch (r["kind"]!.GetValue<string>())
            {
                case "compile":
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {r["name"]} ({r["modules"]} modules, {r["bytes"]} bytes), ms per MB | {Num(r["tessera_ms_per_mb"], "F1")} | {Num(r["wasmtime_ms_per_mb"], "F1")} | - |");
                    if (r["note"] is { } note) sb.AppendLine(CultureInfo.InvariantCulture, $"|   {note} | | | |");
                    break;
                case "instantiate":
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {r["name"]} ({r["bytes"]} bytes), us per instance | {Num(r["tessera_us"], "F2")} | {Num(r["wasmtime_us"], "F2")} | - |");
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {r["name"]} from an InstancePre, us per instance | {Num(r["tessera_pre_us"], "F2")} | - | - |");
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {r["name"]} with guard pages, store disposed each time, us per instance | {Num(r["tessera_guard_us"], "F2")} | - | - |");
                    break;
                case "host_call":
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {r["name"]}, ns per call | {Num(r["tessera_ns_per_call"], "F1")} | {Num(r["wasmtime_ns_per_call"], "F1")} | {Num(r["node_ns_per_call"], "F1")} |");
                    break;
            }
        }
        Console.Write(sb.ToString());
    }

    private static void PrintMachine()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        var wasmtimeVersion = typeof(Wasmtime.Engine).Assembly.GetName().Version;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores ({cpu}), {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; wasmtime NuGet {wasmtimeVersion}; node {NodeEngine.Version() ?? "not found"}");
        // Other work on a shared machine skews every figure; the load average says how much there was.
        if (File.Exists("/proc/loadavg")) Console.WriteLine("load average at start: " + File.ReadAllText("/proc/loadavg").Trim());
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (Tessera.slnx) above " + AppContext.BaseDirectory);
    }
}
