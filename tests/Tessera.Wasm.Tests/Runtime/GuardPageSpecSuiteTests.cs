using Tessera.Wasm.Runtime;
using Tessera.Wasm.Wast;
using Xunit.Abstractions;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>
/// The whole 2.0 spec suite compiled for guard pages: every out-of-bounds assertion of the suite
/// (memory_trap, address, align, the SIMD loads and stores, bulk memory) must trap through the
/// fault handler exactly where the explicit checks trap, and nothing else may change.
/// </summary>
public class GuardPageSpecSuiteTests(ITestOutputHelper output)
{
    [Fact]
    public void SpecSuitePassesWithGuardPages()
    {
        var options = new EngineOptions { BoundsChecks = BoundsChecks.GuardPages };
        Assert.Equal(BoundsChecks.GuardPages, new Engine(WasmFeatures.Wasm2, options).BoundsChecks);
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
