using Tessera.Wasm.Runtime;
using Tessera.Wasm.Wast;
using Xunit.Abstractions;

namespace Tessera.Wasm.Tests.Compilation;

/// <summary>
/// The whole 2.0 spec suite with every function compiled resumable (every call followed by its
/// exit check, every resume copy JIT-compiled) and interrupt checks at every entry and loop head:
/// the transform must not change a single result, and its IL must be valid everywhere.
/// </summary>
public class ResumableSpecSuiteTests(ITestOutputHelper output)
{
    [Fact]
    public void SpecSuitePassesWithEveryFunctionResumableAndInterruptible()
    {
        var options = new EngineOptions { ResumableEverywhere = true, Interruptible = true, Preemptible = true };
        var files = TestPaths.WastFiles(TestPaths.TestSuite("wasm-2.0"), recursive: false);
        var results = files.AsParallel().Select(f => new WastRunner(WasmFeatures.Wasm2, options).RunFile(f)).ToList();
        foreach (var result in results)
        {
            foreach (var failure in result.Failures) output.WriteLine($"{result.Name} {failure.Position}: {failure.Kind}: {failure.Detail}");
        }
        Assert.All(results, r => Assert.Null(r.ScriptError));
        Assert.Equal(0, results.Sum(r => r.Failed));
        Assert.Equal(0, results.Sum(r => r.Skipped));
        // The plain suite's count (README: 52131 passed).
        Assert.Equal(52131, results.Sum(r => r.Passed));
    }
}
