namespace Tessera.Soak;

/// <summary><c>bench/soak [--seconds N] [--tasks N] [--workers N]</c>: the task kernel under a
/// mixed load for N seconds (<see cref="SoakRun"/>); exit code 0 when nothing was lost and nothing
/// grew, 1 otherwise, 2 for bad arguments (docs/testing.md).</summary>
internal static class SoakCommand
{
    public const string Usage = "usage: bench/soak [--seconds N] [--tasks N] [--workers N]";

    /// <summary>The most tasks kept in flight: the number the isolation tests show the kernel running at
    /// once (docs/security.md); each task holds an instance and its memory, so an unbounded count
    /// would exhaust the host's memory rather than soak the kernel.</summary>
    public const int MaxTasks = 10_000;

    /// <summary>The most worker threads: each is a thread of its own that spins while idle, so more
    /// than a large machine's cores only adds contention; an unbounded count would exhaust threads.</summary>
    public const int MaxWorkers = 1_024;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        int seconds, tasks, workers;
        try
        {
            (seconds, tasks, workers) = Parse(args);
        }
        catch (SoakUsageException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return 2;
        }
        using var run = new SoakRun(workers);
        return run.Run(TimeSpan.FromSeconds(seconds), tasks, stdout, stderr);
    }

    /// <summary>The options, each checked against its range; a <see cref="SoakUsageException"/> names the one that is not.</summary>
    internal static (int Seconds, int Tasks, int Workers) Parse(string[] args)
    {
        int seconds = 60, tasks = 500, workers = Environment.ProcessorCount;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string option = args[i];
            int Next(int max)
            {
                if (i + 1 >= args.Length) throw new SoakUsageException($"{option} needs a value; {Usage}");
                string value = args[++i];
                return int.TryParse(value, System.Globalization.NumberStyles.None, null, out int n) && n >= 1 && n <= max
                    ? n
                    : throw new SoakUsageException($"{option} needs a whole number from 1 to {max}, got '{value}'; {Usage}");
            }
            if (!seen.Add(option)) throw new SoakUsageException($"{option} given twice; {Usage}");
            switch (option)
            {
                case "--seconds": seconds = Next(int.MaxValue); break;
                case "--tasks": tasks = Next(MaxTasks); break;
                case "--workers": workers = Next(MaxWorkers); break;
                default: throw new SoakUsageException($"unknown argument '{option}'; {Usage}");
            }
        }
        return (seconds, tasks, workers);
    }
}
