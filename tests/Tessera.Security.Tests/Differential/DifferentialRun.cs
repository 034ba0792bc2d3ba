using System.Collections.Concurrent;

namespace Tessera.Security.Tests.Differential;

/// <summary>Runs modules under both engines and counts what happened; each divergence names its
/// module and the first line where the transcripts differ.</summary>
internal sealed class DifferentialRun
{
    public int Modules;
    public int Calls;
    public int Traps;
    public int RejectedByBoth;
    // Stopwatch ticks spent in each engine (compiling and running), summed over threads.
    public long TesseraTicks;
    public long WasmtimeTicks;
    public ConcurrentBag<string> Divergences { get; } = [];

    public static DifferentialRun Run(IEnumerable<(string Name, Func<byte[]> Bytes)> sources)
    {
        var run = new DifferentialRun();
        Parallel.ForEach(sources, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, source => run.Check(source.Name, source.Bytes()));
        return run;
    }

    public void Check(string name, byte[] bytes)
    {
        Interlocked.Increment(ref Modules);
        Transcript tessera;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            tessera = TesseraExecution.Run(bytes);
        }
        catch (Exception e)
        {
            // Anything but a typed error or trap escaping the engine is a divergence by itself.
            Divergences.Add($"{name} (saved as {Save(name, bytes)}): Tessera threw {e.GetType().Name}: {e.Message}");
            return;
        }
        long middle = System.Diagnostics.Stopwatch.GetTimestamp();
        var wasmtime = WasmtimeExecution.Run(bytes);
        Interlocked.Add(ref TesseraTicks, middle - start);
        Interlocked.Add(ref WasmtimeTicks, System.Diagnostics.Stopwatch.GetTimestamp() - middle);
        if (tessera.Rejected && wasmtime.Rejected)
        {
            Interlocked.Increment(ref RejectedByBoth);
            return;
        }
        if (Transcript.FirstDifference(tessera, wasmtime) is { } difference)
        {
            Divergences.Add($"{name} (saved as {Save(name, bytes)}): {difference}");
            return;
        }
        Interlocked.Add(ref Calls, tessera.Lines.Count(l => l.StartsWith("call ", StringComparison.Ordinal)));
        Interlocked.Add(ref Traps, tessera.Lines.Count(l => l.StartsWith("trap: ", StringComparison.Ordinal)));
    }

    /// <summary>Keeps a diverging module for a regression test or a closer look.</summary>
    private static string Save(string name, byte[] bytes)
    {
        string path = Path.Combine(Path.GetTempPath(), "tessera-fuzz", "divergences", name.Replace(' ', '-') + ".wasm");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
