using Tessera.Wasm.Runtime;
using Tessera.Wasm.Wast;

namespace Tessera.Wasm.Tests.Caching;

/// <summary>
/// Code loaded from the cache behaves exactly as code compiled in memory: spec scripts covering
/// numerics (NaN bits included), SIMD, memory, tables, calls and traps give the same outcomes
/// uncached, with a cold cache (compiled to an image, written, loaded) and with a warm one.
/// </summary>
public class CachedSpecScriptTests
{
    public static TheoryData<string> Scripts() => new(
        "i32.wast", "i64.wast", "f32.wast", "float_exprs.wast", "conversions.wast", "call_indirect.wast",
        "memory_copy.wast", "table_init.wast", "simd_f32x4_arith.wast", "simd_i8x16_arith2.wast", "simd_load.wast",
        "names.wast", "skip-stack-guard-page.wast", "imports.wast");

    [Theory]
    [MemberData(nameof(Scripts))]
    public void CachedCodeGivesTheSameOutcomes(string script)
    {
        using var dir = new CacheDirectory();
        string path = Path.Combine(TestPaths.TestSuite("wasm-2.0"), script);
        var cached = new EngineOptions { UseCache = true, CacheDirectory = dir.Path };
        var uncached = new WastRunner().RunFile(path);
        var cold = new WastRunner(WasmFeatures.Wasm2, cached).RunFile(path);
        int entries = dir.Files().Length;
        var warm = new WastRunner(WasmFeatures.Wasm2, cached).RunFile(path);

        Assert.Equal(0, uncached.Failed);
        Assert.True(uncached.Passed > 0);
        Assert.True(entries > 0, "nothing was cached");
        Assert.Equal(entries, dir.Files().Length);
        foreach (var run in new[] { cold, warm })
        {
            Assert.Equal((uncached.Passed, uncached.Failed, uncached.Skipped, uncached.MessageMismatches), (run.Passed, run.Failed, run.Skipped, run.MessageMismatches));
            Assert.Equal(uncached.Outcomes, run.Outcomes);
        }
    }
}
