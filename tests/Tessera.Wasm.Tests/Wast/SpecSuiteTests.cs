using Tessera.Wasm.Text;
using Tessera.Wasm.Wast;
using Xunit.Abstractions;

namespace Tessera.Wasm.Tests.Wast;

/// <summary>
/// The official WebAssembly spec scripts, run through the front end. Each 2.0 script is one test
/// case: every module must decode and validate, every assert_malformed and assert_invalid must be
/// rejected in the right phase.
/// </summary>
public class SpecSuiteTests(ITestOutputHelper output)
{
    public static TheoryData<string> Wasm2Scripts() => Names("wasm-2.0", recursive: false);
    public static TheoryData<string> Wasm3Scripts() => Names("wasm-3.0", recursive: true);

    private static TheoryData<string> Names(string version, bool recursive)
    {
        var root = TestPaths.TestSuite(version);
        var data = new TheoryData<string>();
        foreach (var file in TestPaths.WastFiles(root, recursive)) data.Add(Path.GetRelativePath(root, file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Wasm2Scripts))]
    public void Wasm2ScriptPasses(string script)
    {
        var result = new WastRunner().RunFile(Path.Combine(TestPaths.TestSuite("wasm-2.0"), script));
        foreach (var failure in result.Failures) output.WriteLine($"{failure.Position}: {failure.Kind}: {failure.Detail}");
        Assert.Null(result.ScriptError);
        Assert.Equal(0, result.Failed);
    }

    [Fact]
    public void Wasm2SuiteRejectsEveryMalformedAndInvalidModule()
    {
        // 1,813 assert_malformed and 2,144 assert_invalid in the 146 scripts (counts from the
        // project's issue, taken from the suite); every one must pass, none may be skipped.
        var files = TestPaths.WastFiles(TestPaths.TestSuite("wasm-2.0"), recursive: false);
        Assert.Equal(146, files.Length);
        var results = files.AsParallel().Select(f => new WastRunner().RunFile(f)).ToList();
        int passed = results.Sum(r => r.Passed);
        int failed = results.Sum(r => r.Failed);
        int skippedModuleChecks = results.Sum(r => r.Outcomes.Count(o => o.Verdict == WastVerdict.Skipped &&
            o.Kind is WastCommandKind.AssertMalformed or WastCommandKind.AssertInvalid or WastCommandKind.Module));
        output.WriteLine($"{passed} passed, {failed} failed, {results.Sum(r => r.Skipped)} skipped; {results.Sum(r => r.ModulesOk)} modules valid; " +
            $"{results.Sum(r => r.MessageMismatches)} message mismatches");
        Assert.Equal(0, failed);
        Assert.Equal(0, skippedModuleChecks);
        Assert.Equal(1813 + 2144, passed);
    }

    /// <summary>Every 3.0 script parses. Outside proposals/ (which go beyond 3.0: threads, custom
    /// descriptors, wide arithmetic) nothing fails either: what the engine lacks is skipped.</summary>
    [Theory]
    [MemberData(nameof(Wasm3Scripts))]
    public void Wasm3ScriptParsesAndNothingFails(string script)
    {
        var result = new WastRunner(WasmFeatures.Wasm3).RunFile(Path.Combine(TestPaths.TestSuite("wasm-3.0"), script));
        Assert.Null(result.ScriptError);
        if (script.StartsWith("proposals", StringComparison.Ordinal)) return;
        foreach (var failure in result.Failures) output.WriteLine($"{failure.Position}: {failure.Kind}: {failure.Detail}");
        Assert.Equal(0, result.Failed);
    }
}
