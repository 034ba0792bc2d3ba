using Tessera.Wasm.Text;
using Tessera.Wasm.Wast;
using Xunit.Abstractions;

namespace Tessera.Wasm.Tests.Wast;

/// <summary>
/// The proposal scripts shipped beside the 2.0 suite, each run with 2.0 plus just its proposal, as
/// an engine that implements 2.0 and that one proposal would run them. A proposal listed here is
/// implemented completely: every assertion passes and none is skipped.
/// </summary>
public class ProposalSuiteTests(ITestOutputHelper output)
{
    private static string ProposalDirectory(string proposal) => Path.Combine(TestPaths.TestSuite("wasm-2.0"), "proposals", proposal);

    public static TheoryData<string> MultiMemoryScripts()
    {
        var data = new TheoryData<string>();
        foreach (var file in TestPaths.WastFiles(ProposalDirectory("multi-memory"), recursive: false)) data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void MultiMemoryHasItsNineScripts()
    {
        // Guards the theory below against an empty or moved directory, which would pass vacuously.
        Assert.Equal(9, TestPaths.WastFiles(ProposalDirectory("multi-memory"), recursive: false).Length);
    }

    [Theory]
    [MemberData(nameof(MultiMemoryScripts))]
    public void MultiMemoryScriptExecutesCompletely(string script)
    {
        var runner = new WastRunner(WasmFeatures.Wasm2 | WasmFeatures.MultiMemory);
        var result = runner.RunFile(Path.Combine(ProposalDirectory("multi-memory"), script));
        output.WriteLine($"{result.Passed} passed, {result.Failed} failed, {result.Skipped} skipped, {result.ModulesNotCompiled} modules not compiled");
        foreach (var outcome in result.Outcomes) output.WriteLine($"{outcome.Position}: {outcome.Kind}: {outcome.Verdict}: {outcome.Detail}");
        Assert.Null(result.ScriptError);
        Assert.Equal(0, result.Failed);
        Assert.Equal(0, result.Skipped);
        // Every module compiles, memory-multi.wast's v128.load8_lane/store8_lane with a memory index included.
        Assert.Equal(0, result.ModulesNotCompiled);
        // Every assertion in the script, counted from the script itself, passed.
        var commands = WastScript.Parse(File.ReadAllText(Path.Combine(ProposalDirectory("multi-memory"), script)), script);
        Assert.Equal(commands.Count(c => c.Kind is WastCommandKind.AssertReturn or WastCommandKind.AssertTrap
            or WastCommandKind.AssertExhaustion or WastCommandKind.AssertUnlinkable or WastCommandKind.AssertUninstantiable
            or WastCommandKind.AssertMalformed or WastCommandKind.AssertInvalid), result.Passed);
    }
}
