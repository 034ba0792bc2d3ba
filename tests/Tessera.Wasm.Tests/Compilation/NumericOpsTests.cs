using Tessera.Wasm.Compilation;

namespace Tessera.Wasm.Tests.Compilation;

/// <summary>Edge cases of the numeric helpers, with expected values worked out by hand from the spec.</summary>
public class NumericOpsTests
{
    [Fact]
    public void MinAndMaxOrderZerosAndPropagateNaN()
    {
        Assert.True(float.IsNegative(NumericOps.F32Min(0f, -0f)));
        Assert.False(float.IsNegative(NumericOps.F32Max(-0f, 0f)));
        Assert.True(double.IsNaN(NumericOps.F64Min(double.NaN, 1)));
        // A signaling NaN operand comes back quiet (an arithmetic NaN).
        uint quiet = BitConverter.SingleToUInt32Bits(NumericOps.F32Max(BitConverter.UInt32BitsToSingle(0x7FA0_0000), 1f));
        Assert.Equal(0x7FC0_0000u, quiet & 0x7FC0_0000u);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static uint Opaque(uint bits) => bits;

    [Fact]
    public void NearestRoundsHalfToEven()
    {
        Assert.Equal(2.0, NumericOps.F64Nearest(2.5));
        Assert.Equal(4.0, NumericOps.F64Nearest(3.5));
        Assert.True(double.IsNegative(NumericOps.F64Nearest(-0.5)));
    }

    [Fact]
    public void CopysignNegAndAbsTouchOnlyTheSignBit()
    {
        // Opaque, because the JIT keeps a float constant as a double, which would quiet this NaN.
        float nan = BitConverter.UInt32BitsToSingle(Opaque(0x7FA1_2345));
        Assert.Equal(0xFFA1_2345u, BitConverter.SingleToUInt32Bits(NumericOps.F32Neg(nan)));
        Assert.Equal(0x7FA1_2345u, BitConverter.SingleToUInt32Bits(NumericOps.F32Abs(NumericOps.F32Neg(nan))));
        Assert.Equal(0xFFA1_2345u, BitConverter.SingleToUInt32Bits(NumericOps.F32Copysign(nan, -1f)));
    }

    [Fact]
    public void UnsignedToFloatRoundsOnce()
    {
        // 2^63 + 2^39 + 1 lies just above the midpoint between two floats: rounding through double
        // would land on the midpoint and round to even (down); one rounding goes up.
        ulong x = (1UL << 63) + (1UL << 39) + 1;
        Assert.Equal(9223373136366403584f, NumericOps.F32ConvertI64U(x));
        Assert.Equal(18446744073709551616.0, NumericOps.F64ConvertI64U(ulong.MaxValue));
    }

    [Fact]
    public void SaturatingConversionsClampAndMapNaNToZero()
    {
        Assert.Equal(int.MaxValue, NumericOps.I32TruncSatF64S(1e10));
        Assert.Equal(0, NumericOps.I32TruncSatF64S(double.NaN));
        Assert.Equal(0u, NumericOps.I32TruncSatF32U(-1f));
        Assert.Equal(ulong.MaxValue, NumericOps.I64TruncSatF64U(double.PositiveInfinity));
    }
}
