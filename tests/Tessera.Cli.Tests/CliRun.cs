using Tessera.Cli.Commands;

namespace Tessera.Cli.Tests;

/// <summary>The command line run in this process, as the <c>tessera</c> binary runs it.</summary>
internal static class CliRun
{
    /// <summary>Runs <c>tessera ARGS...</c>; returns its exit code and what it wrote to stdout and stderr.</summary>
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = CommandLine.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
