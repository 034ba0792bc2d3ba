using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Tessera.Wasm.Compilation;

namespace Tessera.Wasm.Tests.Compilation;

/// <summary>Lanes where WebAssembly's SIMD semantics differ from the obvious hardware or .NET
/// operation; expected values worked out by hand from the spec's numerics (4.3).</summary>
public class SimdOpsTests
{
    private static Vector128<byte> I16(params short[] lanes) => Vector128.Create(lanes).AsByte();
    private static Vector128<byte> I32(params int[] lanes) => Vector128.Create(lanes).AsByte();
    private static Vector128<byte> F32(params float[] lanes) => Vector128.Create(lanes).AsByte();

    /// <summary>Keeps a signaling NaN's bits away from the JIT, which holds float constants as doubles.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float FromBits(uint bits) => BitConverter.UInt32BitsToSingle(bits);

    [Fact]
    public void Q15MulrRoundsHalfUpAndSaturatesOnlyMinTimesMin()
    {
        var r = SimdOps.I16x8Q15mulrSatS(I16(-32768, 1, -1, 0x4000, 0, 0, 0, 0), I16(-32768, 0x4000, 0x4000, 0x4000, 0, 0, 0, 0)).AsInt16();
        Assert.Equal(32767, r[0]);   // 2^30 >> 15 = 2^15 does not fit: saturates
        Assert.Equal(1, r[1]);       // (2^14 + 2^14) >> 15: the half rounds up
        Assert.Equal(0, r[2]);       // (-2^14 + 2^14) >> 15
        Assert.Equal(8192, r[3]);    // (2^28 + 2^14) >> 15
    }

    [Fact]
    public void DotOfMinimumsWrapsToIntMin()
    {
        var r = SimdOps.I32x4DotI16x8S(I16(-32768, -32768, 2, 3, 0, 0, 0, 0), I16(-32768, -32768, 4, 5, 0, 0, 0, 0)).AsInt32();
        Assert.Equal(int.MinValue, r[0]); // 2^30 + 2^30 = 2^31, modulo 2^32
        Assert.Equal(23, r[1]);           // 2*4 + 3*5
    }

    [Fact]
    public void SwizzleGivesZeroForIndicesOutOfRangeAndShuffleReadsBothOperands()
    {
        var a = Vector128.Create((byte)10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25);
        var b = a + Vector128.Create((byte)100);
        var s = SimdOps.I8x16Swizzle(a, Vector128.Create((byte)3, 16, 255, 128, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        Assert.Equal([13, 0, 0, 0, 25, 10], new[] { s[0], s[1], s[2], s[3], s[4], s[5] });
        var t = SimdOps.I8x16Shuffle(a, b, Vector128.Create((byte)0, 16, 31, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        Assert.Equal([10, 110, 125, 25], new[] { t[0], t[1], t[2], t[3] });
    }

    [Fact]
    public void ShiftCountsAreTakenModuloTheLaneWidth()
    {
        Assert.Equal(0x02, SimdOps.I8x16Shl(Vector128.Create((byte)0x81), 9)[0]);
        Assert.Equal(-4, SimdOps.I32x4ShrS(I32(-8, 0, 0, 0), 33).AsInt32()[0]);
        Assert.Equal(0x4000, SimdOps.I16x8ShrU(I16(-32768, 0, 0, 0, 0, 0, 0, 0), 17).AsUInt16()[0]);
    }

    [Fact]
    public void NarrowSaturatesSignedInputToTheTargetRange()
    {
        var s = SimdOps.I8x16NarrowI16x8S(I16(200, -200, 5, 0, 0, 0, 0, 0), I16(-1, 0, 0, 0, 0, 0, 0, 0)).AsSByte();
        Assert.Equal([127, -128, 5], new[] { s[0], s[1], s[2] });
        Assert.Equal(-1, s[8]); // b's lanes follow a's
        var u = SimdOps.I8x16NarrowI16x8U(I16(-1, 300, 255, 0, 0, 0, 0, 0), I16(0, 0, 0, 0, 0, 0, 0, 0));
        Assert.Equal([0, 255, 255], new[] { u[0], u[1], u[2] });
    }

    [Fact]
    public void FloatMinMaxOrderZerosAndQuietNaNs()
    {
        var min = SimdOps.F32x4Min(F32(0f, -0f, FromBits(0x7FA0_0000), 1f), F32(-0f, 0f, 1f, 2f)).AsUInt32();
        Assert.Equal(0x8000_0000u, min[0]);
        Assert.Equal(0x8000_0000u, min[1]);
        Assert.Equal(0x7FC0_0000u, min[2] & 0x7FC0_0000u); // an arithmetic NaN: the quiet bit set
        Assert.Equal(1f, BitConverter.UInt32BitsToSingle(min[3]));
        var max = SimdOps.F32x4Max(F32(0f, -0f, 1f, 1f), F32(-0f, 0f, float.NaN, 2f)).AsSingle();
        Assert.False(float.IsNegative(max[0]));
        Assert.False(float.IsNegative(max[1]));
        Assert.True(float.IsNaN(max[2]));
    }

    [Fact]
    public void PseudoMinMaxReturnTheFirstOperandUnlessTheComparisonHolds()
    {
        // pmin = b < a ? b : a, so a NaN operand comes through only as a; its bits are kept.
        var r = SimdOps.F32x4Pmin(F32(FromBits(0x7FA0_0001), 1f, -0f, 0f), F32(1f, FromBits(0x7FA0_0001), 0f, -0f)).AsUInt32();
        Assert.Equal(0x7FA0_0001u, r[0]);
        Assert.Equal(1f, BitConverter.UInt32BitsToSingle(r[1]));
        Assert.Equal(0x8000_0000u, r[2]);
        Assert.Equal(0u, r[3]);
    }

    [Fact]
    public void TruncSatClampsAndMapsNaNToZero()
    {
        var u = SimdOps.I32x4TruncSatF32x4U(F32(-1.5f, float.NaN, 4.3e9f, 3.9f)).AsUInt32();
        Assert.Equal([0u, 0u, uint.MaxValue, 3u], new[] { u[0], u[1], u[2], u[3] });
        var s = SimdOps.I32x4TruncSatF64x2SZero(Vector128.Create(-3e9, -2.9).AsByte()).AsInt32();
        Assert.Equal([int.MinValue, -2, 0, 0], new[] { s[0], s[1], s[2], s[3] });
    }

    [Fact]
    public void NearestRoundsTiesToEvenAndKeepsNegativeZero()
    {
        var r = SimdOps.F32x4Nearest(F32(2.5f, 3.5f, -0.5f, -1.5f)).AsSingle();
        Assert.Equal(2f, r[0]);
        Assert.Equal(4f, r[1]);
        Assert.True(float.IsNegative(r[2]) && r[2] == 0f);
        Assert.Equal(-2f, r[3]);
    }

    [Fact]
    public void LaneCountingOperations()
    {
        var p = SimdOps.I8x16Popcnt(Vector128.Create((byte)0xFF, 0x0F, 0, 0x80, 0xA5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        Assert.Equal([8, 4, 0, 1, 4], new[] { p[0], p[1], p[2], p[3], p[4] });
        Assert.Equal(0x81, SimdOps.I16x8Bitmask(I16(-1, 0, 5, 0, 0, 0, 0, short.MinValue)));
        Assert.Equal(0, SimdOps.I64x2AllTrue(Vector128.Create(1L, 0L).AsByte()));
        Assert.Equal(1, SimdOps.I8x16AllTrue(Vector128.Create((byte)1)));
        Assert.Equal(0, SimdOps.I16x8AllTrue(I16(1, 1, 1, 1, 1, 1, 1, 0)));
    }

    [Fact]
    public void PairwiseAndAverageDoNotOverflowTheLane()
    {
        Assert.Equal(-256, SimdOps.I16x8ExtaddPairwiseI8x16S(Vector128.Create((byte)0x80)).AsInt16()[0]);
        Assert.Equal(510, SimdOps.I16x8ExtaddPairwiseI8x16U(Vector128.Create((byte)0xFF)).AsUInt16()[0]);
        var avg = SimdOps.I8x16AvgrU(Vector128.Create((byte)255, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), Vector128.Create((byte)254, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        Assert.Equal([255, 1, 4], new[] { avg[0], avg[1], avg[2] }); // (a + b + 1) / 2
        Assert.Equal(short.MinValue, SimdOps.I16x8Abs(I16(short.MinValue, 0, 0, 0, 0, 0, 0, 0)).AsInt16()[0]);
    }
}
