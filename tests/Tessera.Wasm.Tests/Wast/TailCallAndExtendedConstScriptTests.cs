using Tessera.Wasm.Wast;
using Xunit.Abstractions;

namespace Tessera.Wasm.Tests.Wast;

/// <summary>
/// The 2.0 suite's tail-call and extended-const proposal scripts, each under WebAssembly 2.0 plus
/// its one proposal (the done-when): every assertion passes, none is skipped.
/// </summary>
public class TailCallAndExtendedConstScriptTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Scripts()
    {
        var data = new TheoryData<string, string>();
        foreach (var proposal in new[] { "tail-call", "extended-const" })
        {
            var dir = Path.Combine(TestPaths.TestSuite("wasm-2.0"), "proposals", proposal);
            foreach (var file in TestPaths.WastFiles(dir, recursive: false)) data.Add(proposal, Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void ScriptPassesWhole(string proposal, string script)
    {
        var features = WasmFeatureSet.Parse("2.0," + proposal);
        var result = new WastRunner(features).RunFile(Path.Combine(TestPaths.TestSuite("wasm-2.0"), "proposals", proposal, script));
        foreach (var failure in result.Failures) output.WriteLine($"{failure.Position}: {failure.Kind}: {failure.Detail}");
        Assert.Null(result.ScriptError);
        Assert.Equal(0, result.Failed);
        Assert.Equal(0, result.Skipped);
        Assert.True(result.Passed > 0);
    }

    [Fact]
    public void ReturnCallRecursesAMillionDeepWithoutExhaustingTheStack()
    {
        // A non-tail call this deep would trap with StackExhausted (each frame is tens of bytes
        // of a 768 KiB budget); return_call must reuse the frame.
        var engine = new Wasm.Runtime.Engine(WasmFeatureSet.Parse("2.0,tail-call"));
        var module = Wasm.Runtime.Module.FromText(engine, """
            (module
              (func $count (export "count") (param i64 i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
                  (else (return_call $count (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 2)))))))
            """);
        var instance = new Wasm.Runtime.Linker().Instantiate(new Wasm.Runtime.Store(engine), module);
        var count = instance.GetFunc("count")!.AsDelegate<Func<long, long, long>>();
        Assert.Equal(2_000_000L, count(1_000_000, 0));
    }
}
