using Tessera.Wasm.Runtime;
using Tessera.Wasm.Tests.Wast;
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
        WholeSpecSuite.AssertPasses(options, output);
    }
}
