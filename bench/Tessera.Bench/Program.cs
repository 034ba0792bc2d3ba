using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Tessera.Bench;

/// <summary>
/// <c>./bench/run SUITE [--json FILE]</c>. Suites: <c>decode</c> (front-end throughput, BenchmarkDotNet)
/// <c>engine</c> (the guest/bench kernels under Tessera, Wasmtime and node; see <see cref="Engine.EngineSuite"/>)
/// and <c>tasks</c> (the task kernel against Erlang; <see cref="Tasks.TasksSuite"/>).
/// and <c>memory</c> (copy-on-write instantiation, resident memory of many instances; <see cref="Memory.MemorySuite"/>)
/// and <c>compile</c> (compile time against the number of functions, beside Wasmtime; <see cref="Compile.CompileSuite"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "help" or "--help")
        {
            Console.WriteLine("usage: ./bench/run decode [--json FILE]");
            Console.WriteLine("       ./bench/run engine [--json FILE] [--runs N] [--warmup N] [--only NAME,NAME] [--collectible] [--bounds guard|explicit|both]");
            Console.WriteLine("       ./bench/run memory [--json FILE] [--runs N]");
            Console.WriteLine("       ./bench/run compile [--json FILE] [--runs N] [--only 1000,5000,10000,20000,100000]");
            Console.WriteLine("       ./bench/run tasks [--json FILE] [--runs N] [--only tasks,parked,messages,devices,erlang,preemption]");
            return args.Length == 0 ? 2 : 0;
        }
        string? json = null;
        int runs = 7, warmup = 1;
        bool runsGiven = false;
        HashSet<string>? only = null;
        bool collectible = false;
        string bounds = "both";
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--json" && i + 1 < args.Length) json = args[++i];
            else if (args[i] == "--runs" && i + 1 < args.Length && int.TryParse(args[i + 1], out runs) && runs > 0) (i, runsGiven) = (i + 1, true);
            else if (args[i] == "--warmup" && i + 1 < args.Length && int.TryParse(args[i + 1], out warmup) && warmup >= 0) i++;
            else if (args[i] == "--collectible") collectible = true;
            else if (args[i] == "--bounds" && i + 1 < args.Length && args[i + 1] is "guard" or "explicit" or "both") bounds = args[++i];
            else if (args[i] == "--only" && i + 1 < args.Length) only = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries)];
            else
            {
                Console.Error.WriteLine($"unknown argument '{args[i]}'");
                return 2;
            }
        }
        return args[0] switch
        {
            "decode" => RunDecode(json),
            "engine" => Engine.EngineSuite.Run(json, runs, warmup, only, collectible, bounds),
            "memory" => Memory.MemorySuite.Run(json, runs),
            "compile" => Compile.CompileSuite.Run(json, runsGiven ? runs : 5, only),
            "tasks" => Tasks.TasksSuite.Run(json, runsGiven ? runs : 3, only),
            _ => Unknown(args[0]),
        };
    }

    private static int Unknown(string suite)
    {
        Console.Error.WriteLine($"unknown suite '{suite}'");
        return 2;
    }

    private static int RunDecode(string? json)
    {
        // The benchmark runs in a child process; generate the same module here to know its size.
        int size = DecodeValidateBenchmark.CreateModule().Length;
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15))
            .AddColumn(new ThroughputColumn(() => size))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summary = BenchmarkRunner.Run<DecodeValidateBenchmark>(config);
        var result = new Dictionary<string, object> { ["module_bytes"] = size };
        foreach (var report in summary.Reports)
        {
            string name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            double mbps = ThroughputColumn.MegabytesPerSecond(summary, report.BenchmarkCase, size);
            result[name == "Decode" ? "decode_mb_s" : "decode_validate_mb_s"] = Math.Round(mbps, 1);
            result[name == "Decode" ? "decode_median_ms" : "decode_validate_median_ms"] = Math.Round((report.ResultStatistics?.Median ?? double.NaN) / 1e6, 3);
        }
        // A peer, side by side on the same bytes: wabt's wasm-validate (C++), whole process.
        if (WabtPeer.MedianValidateMilliseconds(DecodeValidateBenchmark.CreateModule(), runs: 7) is { } wabtMs)
        {
            result["wabt_validate_process_median_ms"] = Math.Round(wabtMs, 1);
            result["wabt_validate_mb_s"] = Math.Round(size / (wabtMs / 1e3) / 1e6, 1);
        }
        Console.WriteLine(JsonSerializer.Serialize(result));
        if (json is not null) File.WriteAllText(json, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        return summary.HasCriticalValidationErrors ? 1 : 0;
    }
}
