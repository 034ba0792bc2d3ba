using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Security.Tests.Hostile;
using Tessera.Wasm.Runtime;

namespace Tessera.Bench.Compile;

/// <summary>
/// <c>./bench/run compile [--json FILE] [--runs N] [--only 1000,20000]</c>: how compile time grows
/// with the number of functions (docs/benchmarks.md, "Compile time"). Each module has N small
/// functions, each with a call and a branch (<see cref="ManyFunctionsModule"/>, shared with the
/// hostile-input tests) and is compiled from its bytes, without the module
/// cache (the library's default path), by Tessera and by Wasmtime (Cranelift) side by side,
/// alternating, in one process; the figure is the median of the runs. A compile that grows
/// linearly keeps the time per function flat across the sizes; the issue's bar is
/// 20,000 functions in at most 5x the time of 5,000. Beside them, the same module loaded from the
/// module cache (a hit: decode, validate, load the saved code), the path <c>tessera run</c> takes.
/// </summary>
public static class CompileSuite
{
    private static readonly int[] Sizes = [1_000, 5_000, 10_000, 20_000, 100_000];

    public static int Run(string? json, int runs, IReadOnlySet<string>? only)
    {
        var result = new JsonObject();
        var engine = new Tessera.Wasm.Runtime.Engine();
        using var wasmtime = new Wasmtime.Engine();
        foreach (int n in Sizes)
        {
            if (only is not null && !only.Contains(n.ToString(System.Globalization.CultureInfo.InvariantCulture))) continue;
            var bytes = ManyFunctionsModule.Build(n);
            // One compile each first: the JIT compiles the compiler, and Wasmtime loads its code.
            Time(() => Module.FromBytes(engine, bytes));
            Time(() => Wasmtime.Module.FromBytes(wasmtime, "m", bytes).Dispose());
            var ours = new List<double>();
            var theirs = new List<double>();
            var hits = new List<double>();
            string cacheDirectory = Path.Combine(Path.GetTempPath(), "tessera-bench-compile-" + Guid.NewGuid().ToString("N"));
            var cached = new Tessera.Wasm.Runtime.Engine(options: new EngineOptions { UseCache = true, CacheDirectory = cacheDirectory });
            // The miss that writes the entry, then hits: decode, validate, load the saved code.
            Module.FromBytes(cached, bytes);
            // The largest size takes minutes a compile before the fix: fewer runs there.
            int count = n >= 100_000 ? Math.Min(runs, 3) : runs;
            for (int r = 0; r < count; r++)
            {
                ours.Add(Time(() => Module.FromBytes(engine, bytes)));
                theirs.Add(Time(() => Wasmtime.Module.FromBytes(wasmtime, "m", bytes).Dispose()));
                hits.Add(Time(() => Module.FromBytes(cached, bytes)));
            }
            Directory.Delete(cacheDirectory, recursive: true);
            var entry = new JsonObject
            {
                ["functions"] = n,
                ["module_bytes"] = bytes.Length,
                ["tessera_ms"] = Round(Median(ours)),
                ["wasmtime_ms"] = Round(Median(theirs)),
                ["ratio"] = Round(Median(ours) / Median(theirs)),
                ["tessera_us_per_function"] = Round(1000 * Median(ours) / n),
                ["tessera_cache_hit_ms"] = Round(Median(hits)),
            };
            result[$"f{n}"] = entry;
            Console.WriteLine(entry.ToJsonString());
        }
        if (result[$"f5000"] is JsonObject five && result[$"f20000"] is JsonObject twenty)
        {
            result["growth_20k_over_5k"] = Round((double)twenty["tessera_ms"]! / (double)five["tessera_ms"]!);
            result["wasmtime_growth_20k_over_5k"] = Round((double)twenty["wasmtime_ms"]! / (double)five["wasmtime_ms"]!);
            Console.WriteLine($"20,000 over 5,000 functions: Tessera x{result["growth_20k_over_5k"]}, Wasmtime x{result["wasmtime_growth_20k_over_5k"]}");
        }
        if (json is not null) File.WriteAllText(json, result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static double Time(Action compile)
    {
        // A collection left over from the last compile would land in this one's time.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var watch = Stopwatch.StartNew();
        compile();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double Round(double value) => Math.Round(value, 3);
}
