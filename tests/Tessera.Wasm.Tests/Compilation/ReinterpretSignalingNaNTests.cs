using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Compilation;

/// <summary>
/// <c>f32.reinterpret_i32</c> keeps every bit (spec 4.3.4, reinterpret), signaling NaNs included.
/// The JIT keeps float constants as doubles, and folds the reinterpretation of an int it knows
/// into such a constant: a signaling f32 NaN came back with its quiet bit set whenever the int was
/// a constant, on the stack or propagated through a local or a block result. The spec suite
/// reinterprets only arguments, so none of these is in it; each failed before the fix.
/// </summary>
public class ReinterpretSignalingNaNTests
{
    /// <summary>A negative signaling NaN with payload 1: quieting would give 0xFFC00001.</summary>
    private const uint SignalingF32 = 0xFF80_0001;
    private const ulong SignalingF64 = 0x7FF0_0000_0000_0001;

    private static Value[] Run(string body, string results)
    {
        var engine = new Engine();
        var wat = $"(module (func (export \"f\") (result {results}) (local $i i32) (local $l i64) (local $s f32) {body}))";
        return new Linker().Instantiate(new Store(engine), Module.FromText(engine, wat)).GetFunc("f")!.Invoke();
    }

    [Fact]
    public void ReinterpretedConstantIsReturnedAsIs() =>
        Assert.Equal(SignalingF32, (uint)Run("(f32.reinterpret_i32 (i32.const 0xff800001))", "f32")[0].Bits);

    [Fact]
    public void ReinterpretedConstantHeldInAFloatLocal() =>
        Assert.Equal(SignalingF32, (uint)Run("(local.set $s (f32.reinterpret_i32 (i32.const 0xff800001))) (local.get $s)", "f32")[0].Bits);

    [Fact]
    public void ConstantHeldInAnIntLocalThenReinterpreted() =>
        Assert.Equal(SignalingF32, (uint)Run("(local.set $i (i32.const 0xff800001)) (f32.reinterpret_i32 (local.get $i))", "f32")[0].Bits);

    [Fact]
    public void ConstantComputedFromOthersThenReinterpreted() =>
        // 0xff800000 | 1: a constant only the JIT knows
        Assert.Equal(SignalingF32, (uint)Run("(local.set $i (i32.const 1)) (f32.reinterpret_i32 (i32.or (local.get $i) (i32.const 0xff800000)))", "f32")[0].Bits);

    [Fact]
    public void ConstantThroughABlockResultThenReinterpreted() =>
        Assert.Equal(SignalingF32, (uint)Run("(f32.reinterpret_i32 (block (result i32) (i32.const 0xff800001)))", "f32")[0].Bits);

    [Fact]
    public void ReinterpretedF64ConstantKeepsItsBits() =>
        Assert.Equal(SignalingF64, Run("(f64.reinterpret_i64 (i64.const 0x7ff0000000000001))", "f64")[0].Bits);

    [Fact]
    public void ArithmeticOnAReinterpretedSignalingNaNStillQuietsIt()
    {
        // x * 1 must give an arithmetic NaN (quiet bit set), so the reinterpreted constant must not
        // let the JIT fold the multiplication away.
        uint bits = (uint)Run("(f32.mul (f32.reinterpret_i32 (i32.const 0xff800001)) (f32.const 1))", "f32")[0].Bits;
        Assert.Equal(0x7FC0_0000u, bits & 0x7FC0_0000u);
    }
}
