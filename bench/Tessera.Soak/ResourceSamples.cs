using System.Diagnostics;

namespace Tessera.Soak;

/// <summary>What the process held at one moment of a soak: working set, live GC heap (after a
/// full collection), and threads.</summary>
internal readonly record struct ResourceSample(TimeSpan At, long WorkingSet, long GcHeap, int Threads)
{
    public static ResourceSample Take(TimeSpan at)
    {
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return new(at, process.WorkingSet64, heap, process.Threads.Count);
    }
}

/// <summary>
/// Whether a soak's samples stayed flat. The first quarter of the samples (at least two) is the
/// warm-up: code is compiled, pools and queues reach their working size. After it, a measure
/// grows when even the smallest of the last three samples exceeds the warm-up's peak by more
/// than <see cref="MemoryGrowth"/> plus <see cref="MemorySlack"/> (a leak raises every sample, a
/// burst only some), and the thread count grows when any later sample exceeds the warm-up's
/// peak by more than <see cref="ThreadSlack"/>.
/// </summary>
internal static class ResourceVerdict
{
    public const double MemoryGrowth = 0.25;
    public const long MemorySlack = 16L << 20;
    public const int ThreadSlack = 2;

    public static int WarmUp(int samples) => Math.Max(2, samples / 4);

    /// <summary>Why the samples fail (empty when they pass); too few samples to judge pass.</summary>
    public static List<string> Judge(IReadOnlyList<ResourceSample> samples)
    {
        var problems = new List<string>();
        int warm = WarmUp(samples.Count);
        if (samples.Count < warm + 1) return problems;
        var before = samples.Take(warm).ToList();
        var after = samples.Skip(warm).ToList();
        var last = after.TakeLast(3).ToList();
        Check("working set", before.Max(s => s.WorkingSet), last.Min(s => s.WorkingSet));
        Check("GC heap", before.Max(s => s.GcHeap), last.Min(s => s.GcHeap));
        int threadsBefore = before.Max(s => s.Threads), threadsAfter = after.Max(s => s.Threads);
        if (threadsAfter > threadsBefore + ThreadSlack)
            problems.Add($"threads grew from {threadsBefore} (warm-up peak) to {threadsAfter}");
        return problems;

        void Check(string what, long peak, long steady)
        {
            long allowed = (long)(peak * (1 + MemoryGrowth)) + MemorySlack;
            if (steady > allowed) problems.Add($"{what} grew from {Mib(peak)} (warm-up peak) to {Mib(steady)}, over the {Mib(allowed)} allowed");
        }
    }

    public static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):F1} MiB";
}
