using Tessera.Wasm.Text;

namespace Tessera.Wasm.Tests.Text;

public class NumericLiteralTests
{
    [Theory]
    [InlineData("0", NumberShape.Natural)]
    [InlineData("1_000", NumberShape.Natural)]
    [InlineData("0xdead_BEEF", NumberShape.Natural)]
    [InlineData("-7", NumberShape.SignedInteger)]
    [InlineData("+0x7", NumberShape.SignedInteger)]
    [InlineData("1.", NumberShape.Float)]
    [InlineData("1.5e-3", NumberShape.Float)]
    [InlineData("1E+3", NumberShape.Float)]
    [InlineData("0x1.p3", NumberShape.Float)]
    [InlineData("0x1P-3", NumberShape.Float)]
    [InlineData("0x1e", NumberShape.Natural)]
    [InlineData("-inf", NumberShape.Float)]
    [InlineData("nan:0x1_0", NumberShape.Float)]
    [InlineData("", NumberShape.None)]
    [InlineData("+", NumberShape.None)]
    [InlineData("0x", NumberShape.None)]
    [InlineData("1__0", NumberShape.None)]
    [InlineData("_1", NumberShape.None)]
    [InlineData("1_", NumberShape.None)]
    [InlineData("1._5", NumberShape.None)]
    [InlineData("1e", NumberShape.None)]
    [InlineData("1e_1", NumberShape.None)]
    [InlineData(".5", NumberShape.None)]
    [InlineData("0x1p", NumberShape.None)]
    [InlineData("0x1.0p_1", NumberShape.None)]
    [InlineData("nan:canonical", NumberShape.None)]
    [InlineData("nan:0x", NumberShape.None)]
    [InlineData("infinity", NumberShape.None)]
    public void ClassifiesShapes(string text, NumberShape shape) => Assert.Equal(shape, NumericLiteral.Classify(text));

    [Theory]
    [InlineData("0xffffffff", 0xffffffffu)]
    [InlineData("4294967295", 0xffffffffu)]
    [InlineData("-0x80000000", 0x80000000u)]
    [InlineData("-2147483648", 0x80000000u)]
    [InlineData("+2147483647", 0x7fffffffu)]
    [InlineData("-1", 0xffffffffu)]
    [InlineData("-0", 0u)]
    [InlineData("1_234", 1234u)]
    public void ParsesI32(string text, uint bits)
    {
        Assert.True(NumericLiteral.TryParseI32(text, out var b));
        Assert.Equal(bits, b);
    }

    [Theory]
    [InlineData("0x100000000")]
    [InlineData("4294967296")]
    [InlineData("-2147483649")]
    [InlineData("-0x80000001")]
    [InlineData("+2147483648")] // a '+' makes the literal signed (spec: sN)
    [InlineData("1.0")]
    [InlineData("0x")]
    public void RejectsI32(string text) => Assert.False(NumericLiteral.TryParseI32(text, out _));

    [Fact]
    public void ParsesI64AndUnsigned()
    {
        Assert.True(NumericLiteral.TryParseI64("-9223372036854775808", out var min));
        Assert.Equal(0x8000000000000000UL, min);
        Assert.True(NumericLiteral.TryParseI64("18446744073709551615", out var max));
        Assert.Equal(ulong.MaxValue, max);
        Assert.False(NumericLiteral.TryParseI64("18446744073709551616", out _));
        Assert.False(NumericLiteral.TryParseI64("-9223372036854775809", out _));
        Assert.True(NumericLiteral.TryParseU32("0xffff_ffff", out var u));
        Assert.Equal(uint.MaxValue, u);
        Assert.False(NumericLiteral.TryParseU32("0x1_0000_0000", out _));
        Assert.False(NumericLiteral.TryParseU32("-1", out _));
        Assert.False(NumericLiteral.TryParseU32("+1", out _));
        Assert.True(NumericLiteral.TryParseU64("0x1_0000_0000", out var u64));
        Assert.Equal(0x100000000UL, u64);
    }

    [Theory]
    [InlineData("-128", 8, 0x80UL)]
    [InlineData("255", 8, 0xffUL)]
    [InlineData("-1", 8, 0xffUL)]
    [InlineData("-32768", 16, 0x8000UL)]
    [InlineData("0xffff", 16, 0xffffUL)]
    public void ParsesNarrowInts(string text, int width, ulong bits)
    {
        Assert.True(NumericLiteral.TryParseInt(text, width, out var b));
        Assert.Equal(bits, b);
    }

    [Theory]
    [InlineData("256", 8)]
    [InlineData("-129", 8)]
    [InlineData("+128", 8)]
    [InlineData("65536", 16)]
    public void RejectsNarrowInts(string text, int width) => Assert.False(NumericLiteral.TryParseInt(text, width, out _));

    // Expected bits worked out by hand: the mantissa is written out in binary and cut after 23
    // (f32) or 52 (f64) fraction bits; the dropped bits decide the rounding.
    [Theory]
    [InlineData("0x1p-149", 0x00000001u)] // smallest subnormal
    [InlineData("0x1p-150", 0x00000000u)] // exactly half of it: tie to even (0)
    [InlineData("0x1.000002p-150", 0x00000001u)] // just above half
    [InlineData("0x3p-150", 0x00000002u)] // 1.5 quanta: tie to even (2)
    [InlineData("0x1.fffffcp-127", 0x007fffffu)] // largest subnormal, exact
    [InlineData("0x1.fffffep-127", 0x00800000u)] // 0x7fffff.8 quanta: tie rounds to the smallest normal
    [InlineData("0x1p-126", 0x00800000u)]
    [InlineData("0x1.fffffep127", 0x7f7fffffu)] // largest finite
    [InlineData("0x1.fffffefp127", 0x7f7fffffu)] // dropped bits 0_1111: below half
    [InlineData("0x1.fffffefffffff8000000p127", 0x7f7fffffu)]
    [InlineData("0x1p0", 0x3f800000u)]
    [InlineData("0x1.000001p0", 0x3f800000u)] // dropped bit exactly half, even stays
    [InlineData("0x1.000003p0", 0x3f800002u)] // dropped bit exactly half, odd rounds up
    [InlineData("0x1.0000010000000000001p0", 0x3f800001u)] // just above half
    [InlineData("-0x0p0", 0x80000000u)]
    [InlineData("0x1p-1000000000000", 0x00000000u)]
    [InlineData("1", 0x3f800000u)]
    [InlineData("-2.5", 0xc0200000u)]
    [InlineData("1e-45", 0x00000001u)]
    [InlineData("3.4028235e38", 0x7f7fffffu)] // above the largest float, below the halfway point
    [InlineData("1.000000059604644775390625000000000001", 0x3f800001u)] // a double would round to the tie, then to 1.0
    [InlineData("inf", 0x7f800000u)]
    [InlineData("-inf", 0xff800000u)]
    [InlineData("nan", 0x7fc00000u)]
    [InlineData("-nan", 0xffc00000u)]
    [InlineData("nan:0x200000", 0x7fa00000u)]
    [InlineData("-nan:0x7f_ffff", 0xffffffffu)]
    [InlineData("1_000.0_1", 0x447a00a4u)] // 2^9 * 1.953...: 9 integer bits, then 0.01 * 2^14 = 163.84 rounds to 0xa4
    public void ParsesF32(string text, uint bits)
    {
        Assert.True(NumericLiteral.TryParseF32(text, out var b));
        Assert.Equal(bits.ToString("x8"), b.ToString("x8"));
    }

    [Theory]
    [InlineData("0x1.ffffffp127")] // dropped bit exactly half, mantissa odd: rounds to 2^128
    [InlineData("0x2p127")]
    [InlineData("0x1p128")]
    [InlineData("3.4028236e38")]
    [InlineData("1e39")]
    [InlineData("nan:0x0")]
    [InlineData("nan:0x800000")]
    [InlineData("0x1p")]
    [InlineData("0x.8p1")] // a hexfloat needs a digit before the point
    [InlineData("nan:canonical")]
    public void RejectsF32(string text) => Assert.False(NumericLiteral.TryParseF32(text, out _));

    [Theory]
    [InlineData("0x1p-1074", 0x0000000000000001UL)]
    [InlineData("0x1p-1075", 0x0000000000000000UL)]
    [InlineData("0x1.fffffffffffffp1023", 0x7fefffffffffffffUL)]
    [InlineData("0x1.fffffffffffff7ffffp1023", 0x7fefffffffffffffUL)]
    [InlineData("0x1p-1022", 0x0010000000000000UL)]
    [InlineData("0x0.fffffffffffffp-1022", 0x000fffffffffffffUL)]
    [InlineData("1.7976931348623157e308", 0x7fefffffffffffffUL)]
    [InlineData("4.9e-324", 0x0000000000000001UL)]
    [InlineData("-0.0", 0x8000000000000000UL)]
    [InlineData("nan:0x8000000000000", 0x7ff8000000000000UL)]
    [InlineData("nan:0xf_ffff_ffff_ffff", 0x7fffffffffffffffUL)]
    [InlineData("0x1.00000000000008p0", 0x3ff0000000000000UL)] // tie, even
    [InlineData("0x1.00000000000018p0", 0x3ff0000000000002UL)] // tie, odd rounds up
    public void ParsesF64(string text, ulong bits)
    {
        Assert.True(NumericLiteral.TryParseF64(text, out var b));
        Assert.Equal(bits.ToString("x16"), b.ToString("x16"));
    }

    [Theory]
    [InlineData("0x1.fffffffffffff8p1023")]
    [InlineData("1.8e308")]
    [InlineData("nan:0x10000000000000")]
    public void RejectsF64(string text) => Assert.False(NumericLiteral.TryParseF64(text, out _));
}
