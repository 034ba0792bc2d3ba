using Tessera.Wasm.Runtime;
using Tessera.Wasm.Wast;
using Xunit.Abstractions;

namespace Tessera.Wasm.Tests.Wast;

/// <summary>The whole 2.0 spec suite under some engine options, for tests that check a compilation
/// mode changes no result.</summary>
internal static class WholeSpecSuite
{
    /// <summary>The plain suite's count (README: 52131 passed).</summary>
    public const int Assertions = 52131;

    /// <summary>Runs every 2.0 script with <paramref name="options"/> and asserts each one
    /// ran, nothing failed or was skipped, and all <see cref="Assertions"/> passed; failures are
    /// written to <paramref name="output"/> first.</summary>
    public static void AssertPasses(EngineOptions options, ITestOutputHelper output)
    {
        var files = TestPaths.WastFiles(TestPaths.TestSuite("wasm-2.0"), recursive: false);
        var results = files.AsParallel().Select(f => new WastRunner(WasmFeatures.Wasm2, options).RunFile(f)).ToList();
        foreach (var result in results)
        {
            foreach (var failure in result.Failures) output.WriteLine($"{result.Name} {failure.Position}: {failure.Kind}: {failure.Detail}");
        }
        Assert.All(results, r => Assert.Null(r.ScriptError));
        Assert.Equal(0, results.Sum(r => r.Failed));
        Assert.Equal(0, results.Sum(r => r.Skipped));
        Assert.Equal(Assertions, results.Sum(r => r.Passed));
    }
}
