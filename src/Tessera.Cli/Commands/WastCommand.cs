using Tessera.Wasm;
using Tessera.Wasm.Runtime;
using Tessera.Wasm.Wast;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera wast [--features LEVEL[,PROPOSAL...]] [--bounds explicit|guard] [-v] FILE...</c>: runs
/// spec scripts, one line per script, then the plain total line <c>N passed, N failed, N skipped</c>.
/// Exit code 1 if anything failed. <c>--bounds guard</c> compiles with guard pages instead of
/// explicit bounds checks (exit code 2 where they are unavailable).
/// </summary>
internal static class WastCommand
{
    private const string Usage = "usage: tessera wast [--features LEVEL[,PROPOSAL...]] [--bounds explicit|guard] [-v|--verbose] FILE.wast...";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var features = WasmFeatures.Wasm2;
        bool verbose = false;
        var bounds = BoundsChecks.Explicit;
        var files = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--features" when i + 1 < args.Length:
                    try
                    {
                        features = WasmFeatureSet.Parse(args[++i]);
                    }
                    catch (FormatException e)
                    {
                        stderr.WriteLine("tessera wast: " + e.Message);
                        return 2;
                    }
                    break;
                case "--bounds" when i + 1 < args.Length:
                    switch (args[++i])
                    {
                        case "explicit":
                            bounds = BoundsChecks.Explicit;
                            break;
                        case "guard":
                            bounds = BoundsChecks.GuardPages;
                            break;
                        default:
                            stderr.WriteLine($"tessera wast: --bounds takes explicit or guard, not '{args[i]}'");
                            return 2;
                    }
                    break;
                case "-v" or "--verbose":
                    verbose = true;
                    break;
                default:
                    if (args[i].StartsWith('-'))
                    {
                        stderr.WriteLine(Usage);
                        return 2;
                    }
                    files.Add(args[i]);
                    break;
            }
        }
        if (files.Count == 0)
        {
            stderr.WriteLine(Usage);
            return 2;
        }

        var runner = new WastRunner(features, new EngineOptions { BoundsChecks = bounds });
        if (bounds == BoundsChecks.GuardPages && runner.Engine.BoundsChecks != bounds)
        {
            stderr.WriteLine("tessera wast: guard pages are unavailable: " + runner.Engine.GuardPagesUnavailableReason);
            return 2;
        }
        var results = new WastScriptResult[files.Count];
        Parallel.For(0, files.Count, i => results[i] = runner.RunFile(files[i]));

        int passed = 0, failed = 0, skipped = 0, mismatches = 0;
        foreach (var r in results)
        {
            passed += r.Passed;
            failed += r.Failed;
            skipped += r.Skipped;
            mismatches += r.MessageMismatches;
            stdout.WriteLine($"{r.Name}: {r.Passed} passed, {r.Failed} failed, {r.Skipped} skipped ({r.ModulesOk} modules valid)");
            if (r.ScriptError is { } error) stdout.WriteLine($"  {error.Message}");
            foreach (var o in r.Outcomes)
            {
                if (o.Verdict == WastVerdict.Failed || verbose) stdout.WriteLine($"  {r.Name}:{o.Position}: {o.Verdict.ToString().ToLowerInvariant()}: {o.Kind}: {o.Detail}");
            }
        }
        if (mismatches > 0) stdout.WriteLine($"({mismatches} passing assertions had a different error message than the spec's; -v lists them)");
        stdout.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped");
        return failed == 0 ? 0 : 1;
    }
}
