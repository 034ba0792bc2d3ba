using Tessera.Wasm.Text;
using Tessera.Wasm.Wast;
using Xunit.Abstractions;

namespace Tessera.Wasm.Tests.Wast;

/// <summary>
/// The official WebAssembly spec scripts. Each 2.0 script is one test case: every module must
/// decode and validate, every assert_malformed and assert_invalid must be rejected in the right
/// phase, and nothing executed may fail; the scripts the engine executes whole are listed.
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
        // Since SIMD, the engine executes all of 2.0: nothing in the suite is skipped.
        Assert.Equal(0, results.Sum(r => r.Skipped));
        Assert.Equal(1813 + 2144, results.Sum(r => r.ModuleChecksPassed));
        // Everything else that passed was executed; ExecutedScripts pins which scripts pass whole.
        Assert.True(passed >= 1813 + 2144 + s_executedScripts.Sum(ExecutionAssertions));
    }

    /// <summary>Scripts the compiler and runtime execute completely: every assertion passes, none is skipped.</summary>
    public static TheoryData<string> ExecutedScripts() => new(s_executedScripts);

    private static readonly string[] s_executedScripts =
    [
        "address.wast", "align.wast", "block.wast", "br.wast", "br_if.wast", "br_table.wast", "bulk.wast",
        "call.wast", "call_indirect.wast", "const.wast", "conversions.wast", "data.wast", "elem.wast",
        "endianness.wast", "exports.wast", "f32.wast", "f32_bitwise.wast", "f32_cmp.wast", "f64.wast",
        "f64_bitwise.wast", "f64_cmp.wast", "fac.wast", "float_exprs.wast", "float_literals.wast",
        "float_memory.wast", "float_misc.wast", "forward.wast", "func.wast", "func_ptrs.wast", "global.wast",
        "i32.wast", "i64.wast", "if.wast", "imports.wast", "int_exprs.wast", "int_literals.wast", "labels.wast",
        "left-to-right.wast", "linking.wast", "load.wast", "local_get.wast", "local_set.wast", "local_tee.wast",
        "loop.wast", "memory.wast", "memory_copy.wast", "memory_fill.wast", "memory_grow.wast", "memory_init.wast",
        "memory_redundancy.wast", "memory_size.wast", "memory_trap.wast", "names.wast", "nop.wast", "ref_func.wast",
        "ref_is_null.wast", "ref_null.wast", "return.wast", "select.wast",
        "simd_address.wast", "simd_align.wast", "simd_bit_shift.wast", "simd_bitwise.wast", "simd_boolean.wast",
        "simd_const.wast", "simd_conversions.wast", "simd_f32x4.wast", "simd_f32x4_arith.wast",
        "simd_f32x4_cmp.wast", "simd_f32x4_pmin_pmax.wast", "simd_f32x4_rounding.wast", "simd_f64x2.wast",
        "simd_f64x2_arith.wast", "simd_f64x2_cmp.wast", "simd_f64x2_pmin_pmax.wast", "simd_f64x2_rounding.wast",
        "simd_i16x8_arith.wast", "simd_i16x8_arith2.wast", "simd_i16x8_cmp.wast",
        "simd_i16x8_extadd_pairwise_i8x16.wast", "simd_i16x8_extmul_i8x16.wast", "simd_i16x8_q15mulr_sat_s.wast",
        "simd_i16x8_sat_arith.wast", "simd_i32x4_arith.wast", "simd_i32x4_arith2.wast", "simd_i32x4_cmp.wast",
        "simd_i32x4_dot_i16x8.wast", "simd_i32x4_extadd_pairwise_i16x8.wast", "simd_i32x4_extmul_i16x8.wast",
        "simd_i32x4_trunc_sat_f32x4.wast", "simd_i32x4_trunc_sat_f64x2.wast", "simd_i64x2_arith.wast",
        "simd_i64x2_arith2.wast", "simd_i64x2_cmp.wast", "simd_i64x2_extmul_i32x4.wast", "simd_i8x16_arith.wast",
        "simd_i8x16_arith2.wast", "simd_i8x16_cmp.wast", "simd_i8x16_sat_arith.wast", "simd_int_to_int_extend.wast",
        "simd_lane.wast", "simd_load.wast", "simd_load16_lane.wast", "simd_load32_lane.wast",
        "simd_load64_lane.wast", "simd_load8_lane.wast", "simd_load_extend.wast", "simd_load_splat.wast",
        "simd_load_zero.wast", "simd_splat.wast", "simd_store.wast", "simd_store16_lane.wast",
        "simd_store32_lane.wast", "simd_store64_lane.wast", "simd_store8_lane.wast",
        "skip-stack-guard-page.wast", "stack.wast",
        "start.wast", "store.wast", "switch.wast", "table.wast", "table_copy.wast", "table_fill.wast",
        "table_get.wast", "table_grow.wast", "table_init.wast", "table_set.wast", "table_size.wast", "traps.wast",
        "unreachable.wast", "unwind.wast",
    ];

    /// <summary>The assertions of a script that need execution, counted from the script itself.</summary>
    private static int ExecutionAssertions(string script)
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.TestSuite("wasm-2.0"), script));
        return WastScript.Parse(text, script).Count(c => c.Kind is WastCommandKind.AssertReturn or WastCommandKind.AssertTrap
            or WastCommandKind.AssertExhaustion or WastCommandKind.AssertUnlinkable or WastCommandKind.AssertUninstantiable);
    }

    [Theory]
    [MemberData(nameof(ExecutedScripts))]
    public void Wasm2ScriptExecutesCompletely(string script)
    {
        var result = new WastRunner().RunFile(Path.Combine(TestPaths.TestSuite("wasm-2.0"), script));
        foreach (var outcome in result.Outcomes) output.WriteLine($"{outcome.Position}: {outcome.Kind}: {outcome.Verdict}: {outcome.Detail}");
        Assert.Equal(0, result.Failed);
        Assert.Equal(0, result.Skipped);
        Assert.Equal(0, result.ModulesNotCompiled);
        Assert.Equal(ExecutionAssertions(script) + result.ModuleChecksPassed, result.Passed);
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
