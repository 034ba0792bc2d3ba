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
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{arg} needs a value\n{Usage}");
            if (arg is "--features" or "--bounds" && !seen.Add(arg)) throw new UsageException($"{arg} given twice\n{Usage}");
            switch (arg)
            {
                case "--features":
                    try
                    {
                        features = WasmFeatureSet.Parse(Value());
                    }
                    catch (FormatException e)
                    {
                        throw new UsageException($"--features: {e.Message}\n{Usage}");
                    }
                    break;
                case "--bounds":
                    bounds = Value() switch
                    {
                        "explicit" => BoundsChecks.Explicit,
                        "guard" => BoundsChecks.GuardPages,
                        var other => throw new UsageException($"--bounds takes explicit or guard, not '{other}'\n{Usage}"),
                    };
                    break;
                case "-v" or "--verbose":
                    verbose = true;
                    break;
                default:
                    if (arg.StartsWith('-')) throw new UsageException($"unknown option '{arg}'\n{Usage}");
                    files.Add(arg);
                    break;
            }
        }
        if (files.Count == 0) throw new UsageException($"no script given\n{Usage}");

        // Scripts are read here, with the checks every input file gets (a regular file of bounded
        // size), so a FIFO or /dev/zero named as a script is refused instead of read for ever.
        var texts = new string?[files.Count];
        var unreadable = new string?[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            try
            {
                texts[i] = ModuleFile.ReadText(files[i]);
            }
            catch (InputFileException e)
            {
                unreadable[i] = e.Message;
            }
        }

        var runner = new WastRunner(features, new EngineOptions { BoundsChecks = bounds });
        if (bounds == BoundsChecks.GuardPages && runner.Engine.BoundsChecks != bounds)
        {
            stderr.WriteLine("tessera wast: guard pages are unavailable: " + runner.Engine.GuardPagesUnavailableReason);
            return 2;
        }
        var results = new WastScriptResult?[files.Count];
        Parallel.For(0, files.Count, i => results[i] = texts[i] is { } text ? runner.RunText(text, files[i]) : null);

        int passed = 0, failed = 0, skipped = 0, mismatches = 0;
        for (int i = 0; i < results.Length; i++)
        {
            if (results[i] is not { } r)
            {
                // A script that cannot be read counts as one failure, as the runner counts one it cannot parse.
                failed++;
                stdout.WriteLine($"{files[i]}: 0 passed, 1 failed, 0 skipped (cannot read: {unreadable[i]})");
                continue;
            }
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
