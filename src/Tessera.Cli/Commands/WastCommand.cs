using System.CommandLine;
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
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var features = new Option<WasmFeatures>("--features")
        {
            HelpName = "LEVEL[,PROPOSAL...]",
            Description = "The features scripts may use: 1.0, 2.0 or 3.0, then proposals (default 2.0)",
            DefaultValueFactory = _ => WasmFeatures.Wasm2,
            CustomParser = result =>
            {
                try
                {
                    return WasmFeatureSet.Parse(result.Tokens[0].Value);
                }
                catch (FormatException e)
                {
                    result.AddError($"--features: {e.Message}");
                    return default;
                }
            },
        };
        var bounds = new Option<BoundsChecks>("--bounds")
        {
            HelpName = "explicit|guard",
            Description = "Explicit bounds checks (default), or guard pages (exit 2 where unavailable)",
            DefaultValueFactory = _ => BoundsChecks.Explicit,
            CustomParser = result => result.Tokens[0].Value switch
            {
                "explicit" => BoundsChecks.Explicit,
                "guard" => BoundsChecks.GuardPages,
                var other => Refuse(result, $"--bounds takes explicit or guard, not '{other}'"),
            },
        };
        // Only the two words: the parser would also offer the enum's names, which it does not accept.
        bounds.CompletionSources.Clear();
        bounds.CompletionSources.Add("explicit", "guard");
        var verbose = new Option<bool>("-v", "--verbose") { Arity = ArgumentArity.Zero, Description = "List every assertion, not only the failures" };
        var files = new Argument<string[]>("FILE") { HelpName = "FILE.wast", Arity = ArgumentArity.OneOrMore, Description = "Spec test scripts" };
        var command = new Command("wast", "Run WebAssembly spec test scripts; the last line is \"N passed, N failed, N skipped\"") { features, bounds, verbose, files };
        command.SetAction(result =>
        {
            UnknownOptions.Refuse(result);
            return Run(result.GetValue(files)!, result.GetValue(features), result.GetValue(bounds), result.GetValue(verbose), stdout, stderr);
        });
        return command;
    }

    private static BoundsChecks Refuse(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return default;
    }

    public static int Run(IReadOnlyList<string> files, WasmFeatures features, BoundsChecks bounds, bool verbose, TextWriter stdout, TextWriter stderr)
    {

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
