using Tessera.Wasm.Binary;
using Tessera.Wasm.Validation;

namespace Tessera.Wasm.Tests.Validation;

/// <summary>
/// Runs every module of the WebAssembly 2.0 spec suite through the decoder and the validator:
/// modules the scripts use must be valid, <c>assert_invalid</c> modules must fail validation with
/// the expected message, binary <c>assert_malformed</c> modules must fail as malformed.
/// </summary>
public class SpecSuiteTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var path in TestPaths.WastFiles(TestPaths.TestSuite("wasm-2.0"), recursive: false)) data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Wasm2Script(string name)
    {
        var cases = SpecCaseRunner.Load(Path.Combine(TestPaths.TestSuite("wasm-2.0"), name));
        var failures = SpecCaseRunner.Run(cases, name, WasmFeatures.Wasm2);
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} modules of {name}:\n" + string.Join('\n', failures));
    }
}

/// <summary>
/// Reads the modules of one spec script, with what the script expects of each, and describes each
/// one that does not behave as expected. Only the commands that concern decoding and validation are kept.
/// </summary>
internal static class SpecCaseRunner
{
    public enum Expectation { Valid, Invalid, Malformed }

    /// <summary>One module: its binary, the expectation, the expected message and the script line.</summary>
    public sealed record Case(byte[] Wasm, Expectation Expected, string Text, int Line);

    /// <summary>The binary modules of the script at <paramref name="wastPath"/>, converted by wabt's <c>wast2json</c>.</summary>
    public static List<Case> Load(string wastPath)
    {
        var cases = new List<Case>();
        foreach (var command in Wabt.Wast2Json(wastPath))
        {
            var expectation = command.Type switch
            {
                "module" or "assert_unlinkable" or "assert_uninstantiable" => Expectation.Valid,
                "assert_invalid" => Expectation.Invalid,
                "assert_malformed" => Expectation.Malformed,
                _ => (Expectation?)null,
            };
            if (expectation is null) continue;
            if (command.ModuleType is not (null or "binary")) continue;
            cases.Add(new Case(command.Wasm!, expectation.Value, command.Text ?? "", command.Line));
        }
        return cases;
    }

    /// <param name="cases">The script's modules.</param>
    /// <param name="key">Its path relative to the suite's version directory, as <see cref="SpecDeviations"/> names it.</param>
    /// <param name="features">The features to decode and validate with.</param>
    public static List<string> Run(List<Case> cases, string key, WasmFeatures features)
    {
        var failures = new List<string>();
        foreach (var c in cases)
        {
            string? problem = Check(c, features);
            bool known = SpecDeviations.ByCase.ContainsKey($"{key}:{c.Line}");
            if (problem is not null && !known) failures.Add($"  line {c.Line} ({c.Expected} \"{c.Text}\"): {problem}");
            if (problem is null && known) failures.Add($"  line {c.Line}: listed in SpecDeviations but behaves as expected now; remove it from the list");
        }
        return failures;
    }

    private static string? Check(Case c, WasmFeatures features)
    {
        try
        {
            var module = ModuleDecoder.Decode(c.Wasm, features);
            ModuleValidator.Validate(module, features);
            return c.Expected == Expectation.Valid ? null : "accepted";
        }
        catch (WasmValidationException e) when (c.Expected == Expectation.Invalid)
        {
            // The suite's message may append an index ("unknown memory 0") that our detail carries.
            return c.Text.StartsWith(e.Rule, StringComparison.Ordinal) || e.Rule.StartsWith(c.Text, StringComparison.Ordinal) ? null : $"rule \"{e.Rule}\": {e.Message}";
        }
        catch (WasmFormatException) when (c.Expected == Expectation.Malformed)
        {
            return null;
        }
        catch (WasmException e)
        {
            return $"{e.GetType().Name} \"{e.Rule}\": {e.Message}";
        }
    }
}

public class SpecProposalTests
{
    public static TheoryData<string, WasmFeatures> Scripts()
    {
        var data = new TheoryData<string, WasmFeatures>();
        var proposals = new (string Dir, WasmFeatures Features)[]
        {
            ("tail-call", WasmFeatures.TailCall),
            ("multi-memory", WasmFeatures.MultiMemory),
            ("memory64", WasmFeatures.Memory64),
            ("extended-const", WasmFeatures.ExtendedConst),
            ("relaxed-simd", WasmFeatures.RelaxedSimd),
        };
        foreach (var (dir, features) in proposals)
        {
            foreach (var path in TestPaths.WastFiles(Path.Combine(TestPaths.TestSuite("wasm-2.0"), "proposals", dir), recursive: false))
            {
                if (SpecDeviations.UnparsableScripts.ContainsKey($"proposals/{dir}/{Path.GetFileName(path)}")) continue;
                data.Add(Path.Combine(dir, Path.GetFileName(path)), WasmFeatures.Wasm2 | features);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void ProposalScript(string name, WasmFeatures features)
    {
        var cases = SpecCaseRunner.Load(Path.Combine(TestPaths.TestSuite("wasm-2.0"), "proposals", name));
        var failures = SpecCaseRunner.Run(cases, "proposals/" + name, features);
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} modules of {name}:\n" + string.Join('\n', failures));
    }
}
