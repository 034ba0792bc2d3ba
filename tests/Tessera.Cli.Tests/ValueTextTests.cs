using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Cli.Tests;

/// <summary>The promise of <see cref="ValueText"/>: whatever <c>tessera run</c> prints reads back
/// as an argument with exactly the same bits, including NaN payloads and signs.</summary>
public sealed class ValueTextTests
{
    [Fact]
    public void EveryPrintedFloatReadsBackToTheSameBits()
    {
        var random = new Random(20260324);
        for (int n = 0; n < 20_000; n++)
        {
            uint f32 = (uint)random.NextInt64(0, 1L << 32);
            ulong f64 = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
            AssertRoundTrip(Value.F32Bits(f32), ValType.F32);
            AssertRoundTrip(Value.F64Bits(f64), ValType.F64);
        }
        // Edges random bits rarely hit: zeros, subnormal and normal limits, infinities, NaNs.
        uint[] f32Edges = [0, 0x8000_0000, 1, 0x007F_FFFF, 0x0080_0000, 0x7F7F_FFFF, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0000, 0x7F80_0001, 0x7FFF_FFFF];
        foreach (var bits in f32Edges) AssertRoundTrip(Value.F32Bits(bits), ValType.F32);
        ulong[] f64Edges = [0, 1UL << 63, 1, 0x000F_FFFF_FFFF_FFFF, 0x0010_0000_0000_0000, 0x7FEF_FFFF_FFFF_FFFF, 0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000, 0x7FF8_0000_0000_0000, 0x7FF0_0000_0000_0001];
        foreach (var bits in f64Edges) AssertRoundTrip(Value.F64Bits(bits), ValType.F64);
    }

    [Fact]
    public void EveryPrintedIntegerReadsBackToTheSameBits()
    {
        int[] i32s = [0, 1, -1, int.MinValue, int.MaxValue];
        foreach (var v in i32s) AssertRoundTrip(Value.I32(v), ValType.I32);
        long[] i64s = [0, 1, -1, long.MinValue, long.MaxValue];
        foreach (var v in i64s) AssertRoundTrip(Value.I64(v), ValType.I64);
        Assert.Equal("-2147483648", ValueText.Format(Value.I32(int.MinValue)));
        Assert.Equal("-1", ValueText.Format(ValueText.Parse("0xffffffffffffffff", ValType.I64, 1)));
    }

    private static void AssertRoundTrip(Value value, ValType type)
    {
        string text = ValueText.Format(value);
        Assert.True(value.Bits == ValueText.Parse(text, type, 1).Bits, $"{type} 0x{value.Bits:x} printed as {text}");
    }
}
