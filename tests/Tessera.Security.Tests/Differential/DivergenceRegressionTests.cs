using Tessera.Wasm.Text;

namespace Tessera.Security.Tests.Differential;

/// <summary>
/// Each divergence the differential fuzzer found, reduced by hand to a few instructions, with the
/// value the spec gives (worked out in the comment) and Wasmtime's transcript as a second check.
/// </summary>
public sealed class DivergenceRegressionTests
{
    private static void AgreesWithWasmtime(string text, params string[] expected)
    {
        byte[] bytes = WatAssembler.AssembleText(text);
        var tessera = TesseraExecution.Run(bytes);
        var wasmtime = WasmtimeExecution.Run(bytes);
        Assert.Equal(expected, tessera.Lines.Where(l => l.StartsWith("results", StringComparison.Ordinal) || l.StartsWith("trap", StringComparison.Ordinal)));
        Assert.Null(Transcript.FirstDifference(tessera, wasmtime));
    }

    [Fact]
    public void SplatOfMemoryGrowResultIsTheOldSize()
    {
        // memory.grow 0 on a one-page memory returns 1 (the old size); splat makes eight i16 1s.
        // The compiler kept the delta's constant 0 for the result's slot, so the splat saw 0.
        AgreesWithWasmtime("""
            (module (memory 1 2)
              (func (export "f") (result v128) (i16x8.splat (memory.grow (i32.const 0)))))
            """, "results v128:01000100010001000100010001000100");
    }

    [Fact]
    public void RotateByConstantOfZeroTestsAsZero()
    {
        // Each export is called with 0 (the harness passes zeros). rotr(0, 1) = 0 and rotl(0, 5) = 0, so eqz gives 1 and if takes else (2). The JIT reused
        // the flags of the rotate instruction, which leaves the zero flag alone.
        AgreesWithWasmtime("""
            (module
              (func (export "eqz32") (param i32) (result i32) (i32.eqz (i32.rotr (local.get 0) (i32.const 1))))
              (func (export "eqz64") (param i64) (result i32) (i64.eqz (i64.rotl (local.get 0) (i64.const 5))))
              (func (export "if") (param i32) (result i32)
                (if (result i32) (i32.rotl (local.get 0) (i32.const 31)) (then (i32.const 1)) (else (i32.const 2)))))
            """, "results i32:1", "results i32:1", "results i32:2");
    }

    [Fact]
    public void RotateByAFoldedCountTestsAsZero()
    {
        // Generator seed 1, module 8245, reduced: the count is an expression the JIT folds to a
        // constant (1 * 3, 4 - 3). rotr(0, 3) and rotl(0, 1) are 0, so eqz gives 1 and br_if does
        // not branch (result 7).
        AgreesWithWasmtime("""
            (module
              (func (export "eqz32") (param i32) (result i32)
                (i32.eqz (i32.rotr (local.get 0) (i32.mul (i32.const 1) (i32.const 3)))))
              (func (export "eqz64") (param i64) (result i32)
                (i64.eqz (i64.rotl (local.get 0) (i64.sub (i64.const 4) (i64.const 3)))))
              (func (export "br_if") (param i32) (result i32)
                (block (result i32) (drop (br_if 0 (i32.const 5) (i32.rotl (local.get 0) (i32.add (i32.const 2) (i32.const 2))))) (i32.const 7))))
            """, "results i32:1", "results i32:1", "results i32:7");
    }
}
