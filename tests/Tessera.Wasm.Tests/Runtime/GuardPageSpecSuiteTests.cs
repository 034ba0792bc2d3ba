using Tessera.Wasm.Runtime;
using Tessera.Wasm.Tests.Wast;
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
        WholeSpecSuite.AssertPasses(options, output);
    }
}
