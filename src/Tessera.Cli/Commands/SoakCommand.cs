using Tessera.Cli.Soak;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera soak [--seconds N] [--tasks N] [--workers N]</c>: the task kernel under a
/// mixed load for N seconds (<see cref="SoakRun"/>); exit code 0 when nothing was lost and nothing
/// grew, 1 otherwise (docs/testing.md).</summary>
internal static class SoakCommand
{
    public const string Usage = "usage: tessera soak [--seconds N] [--tasks N] [--workers N]";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        int seconds = 60, tasks = 500, workers = Environment.ProcessorCount;
        for (int i = 0; i < args.Length; i++)
        {
            string option = args[i];
            int Next() => i + 1 < args.Length && int.TryParse(args[++i], out int n) && n > 0
                ? n
                : throw new UsageException($"{option} needs a positive whole number; {Usage}");
            switch (option)
            {
                case "--seconds": seconds = Next(); break;
                case "--tasks": tasks = Next(); break;
                case "--workers": workers = Next(); break;
                default: throw new UsageException($"unknown argument '{option}'; {Usage}");
            }
        }
        using var run = new SoakRun(workers);
        return run.Run(TimeSpan.FromSeconds(seconds), tasks, stdout, stderr);
    }
}
