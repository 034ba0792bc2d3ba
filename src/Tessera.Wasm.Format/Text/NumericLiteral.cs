using System.Globalization;
using System.Numerics;

namespace Tessera.Wasm.Text;

/// <summary>The syntactic shape of a numeric token, before any range check.</summary>
public enum NumberShape : byte
{
    /// <summary>Not a number (spec: a reserved token or a keyword).</summary>
    None,
    /// <summary>An unsigned integer, decimal or <c>0x</c> hexadecimal, without sign (spec: uN).</summary>
    Natural,
    /// <summary>An integer with a leading <c>+</c> or <c>-</c> (spec: sN).</summary>
    SignedInteger,
    /// <summary>A decimal or hexadecimal float with a fraction or exponent, or <c>inf</c>,
    /// <c>nan</c>, <c>nan:0x...</c>, with or without sign (spec: fN).</summary>
    Float,
}

/// <summary>
/// Numeric literals of the text format (spec 6.3.1): syntax check and conversion of a token's
/// text to the bits of a value. Underscores may separate digits. Floats round to nearest, ties to
/// even, directly to the target precision; a literal that rounds to infinity is out of range.
/// </summary>
/// <remarks>
/// The Try methods return false both for text of the wrong shape and for values out of range;
/// <see cref="Classify"/> tells the two apart. Following the specification, a <c>+</c> sign makes
/// an integer signed, so <c>+0xffffffff</c> is not an i32 literal although <c>0xffffffff</c> is.
/// </remarks>
public static class NumericLiteral
{
    /// <summary>The shape of <paramref name="text"/> as a numeric literal.</summary>
    public static NumberShape Classify(ReadOnlySpan<char> text)
    {
        var i = 0;
        var signed = text.Length > 0 && text[0] is '+' or '-';
        if (signed) i++;
        var rest = text[i..];
        if (rest is "inf" or "nan") return NumberShape.Float;
        if (rest.StartsWith("nan:0x", StringComparison.Ordinal))
            return IsDigits(rest[6..], hex: true) ? NumberShape.Float : NumberShape.None;
        var hex = rest.StartsWith("0x", StringComparison.Ordinal);
        if (hex) i += 2;
        if (!ScanDigits(text, ref i, hex)) return NumberShape.None;
        var isFloat = false;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            isFloat = true;
            if (i < text.Length && IsDigit(text[i], hex) && !ScanDigits(text, ref i, hex)) return NumberShape.None;
        }
        if (i < text.Length && (hex ? text[i] is 'p' or 'P' : text[i] is 'e' or 'E'))
        {
            i++;
            isFloat = true;
            if (i < text.Length && text[i] is '+' or '-') i++;
            if (!ScanDigits(text, ref i, hex: false)) return NumberShape.None;
        }
        if (i != text.Length) return NumberShape.None;
        return isFloat ? NumberShape.Float : signed ? NumberShape.SignedInteger : NumberShape.Natural;
    }

    /// <summary>Parses an unsigned 32-bit literal (spec: u32), as used for indices, offsets and limits.</summary>
    public static bool TryParseU32(string text, out uint value)
    {
        value = 0;
        if (Classify(text) != NumberShape.Natural || !TryMagnitude(text, out var m) || m > uint.MaxValue) return false;
        value = (uint)m;
        return true;
    }

    /// <summary>Parses an unsigned 64-bit literal (spec: u64).</summary>
    public static bool TryParseU64(string text, out ulong value)
    {
        value = 0;
        return Classify(text) == NumberShape.Natural && TryMagnitude(text, out value);
    }

    /// <summary>Parses an i32 literal: unsigned in [0, 2^32) or signed in [-2^31, 2^31).</summary>
    /// <param name="text">The token text.</param>
    /// <param name="bits">The two's-complement bits of the value.</param>
    public static bool TryParseI32(string text, out uint bits)
    {
        var ok = TryParseInt(text, 32, out var b);
        bits = (uint)b;
        return ok;
    }

    /// <summary>Parses an i64 literal: unsigned in [0, 2^64) or signed in [-2^63, 2^63).</summary>
    public static bool TryParseI64(string text, out ulong bits) => TryParseInt(text, 64, out bits);

    /// <summary>Parses an integer literal of <paramref name="bitWidth"/> bits (8, 16, 32 or 64):
    /// unsigned in [0, 2^N) or signed in [-2^(N-1), 2^(N-1)).</summary>
    /// <param name="text">The token text.</param>
    /// <param name="bitWidth">N, between 1 and 64.</param>
    /// <param name="bits">The value's two's-complement bits in the low N bits; higher bits are zero.</param>
    public static bool TryParseInt(string text, int bitWidth, out ulong bits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bitWidth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bitWidth, 64);
        bits = 0;
        var shape = Classify(text);
        if (shape is not (NumberShape.Natural or NumberShape.SignedInteger) || !TryMagnitude(text, out var m)) return false;
        var mask = bitWidth == 64 ? ulong.MaxValue : (1UL << bitWidth) - 1;
        var half = 1UL << (bitWidth - 1);
        if (shape == NumberShape.Natural)
        {
            if (m > mask) return false;
            bits = m;
        }
        else if (text[0] == '-')
        {
            if (m > half) return false;
            bits = (0UL - m) & mask;
        }
        else
        {
            if (m >= half) return false;
            bits = m;
        }
        return true;
    }

    /// <summary>Parses an f32 literal (any numeric shape; integers are read as floats).</summary>
    /// <param name="text">The token text.</param>
    /// <param name="bits">The IEEE 754 binary32 bits.</param>
    public static bool TryParseF32(string text, out uint bits)
    {
        var ok = TryParseFloat(text, Single, out var b);
        bits = (uint)b;
        return ok;
    }

    /// <summary>Parses an f64 literal (any numeric shape; integers are read as floats).</summary>
    /// <param name="text">The token text.</param>
    /// <param name="bits">The IEEE 754 binary64 bits.</param>
    public static bool TryParseF64(string text, out ulong bits) => TryParseFloat(text, Double, out bits);

    /// <summary>Parses digits of a hexnum (underscores between digits), as in <c>\u{...}</c> escapes.</summary>
    internal static bool TryParseHexNum(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        if (!IsDigits(digits, hex: true)) return false;
        foreach (var c in digits)
        {
            if (c == '_') continue;
            if (value > (ulong.MaxValue >> 4)) return false;
            value = value << 4 | (uint)HexDigit(c);
        }
        return true;
    }

    private readonly record struct FloatFormat(int MantissaBits, int ExponentBits)
    {
        /// <summary>Significand precision including the hidden bit.</summary>
        public int Precision => MantissaBits + 1;
        public int Bias => (1 << (ExponentBits - 1)) - 1;
        public int MinExponent => 1 - Bias;
        public int MaxExponent => Bias;
        public ulong SignBit => 1UL << (MantissaBits + ExponentBits);
        public ulong Infinity => ((1UL << ExponentBits) - 1) << MantissaBits;
    }

    private static readonly FloatFormat Single = new(23, 8);
    private static readonly FloatFormat Double = new(52, 11);

    private static bool TryParseFloat(string text, FloatFormat format, out ulong bits)
    {
        bits = 0;
        if (Classify(text) == NumberShape.None) return false;
        var negative = text[0] == '-';
        var sign = negative ? format.SignBit : 0;
        var body = text[0] is '+' or '-' ? text.AsSpan(1) : text.AsSpan();
        if (body is "inf")
        {
            bits = sign | format.Infinity;
            return true;
        }
        if (body is "nan")
        {
            bits = sign | format.Infinity | 1UL << (format.MantissaBits - 1);
            return true;
        }
        if (body.StartsWith("nan:0x", StringComparison.Ordinal))
        {
            // The payload must be non-zero and fit the mantissa.
            if (!TryParseHexNum(body[6..], out var payload) || payload == 0 || payload >= 1UL << format.MantissaBits) return false;
            bits = sign | format.Infinity | payload;
            return true;
        }
        if (body.StartsWith("0x", StringComparison.Ordinal))
        {
            if (!TryHexFloat(body[2..], format, out var magnitude)) return false;
            bits = sign | magnitude;
            return true;
        }
        return TryDecimalFloat(body, format, sign, out bits);
    }

    private static bool TryDecimalFloat(ReadOnlySpan<char> body, FloatFormat format, ulong sign, out ulong bits)
    {
        bits = 0;
        Span<char> buffer = body.Length <= 256 ? stackalloc char[body.Length] : new char[body.Length];
        var n = 0;
        foreach (var c in body)
        {
            if (c != '_') buffer[n++] = c;
        }
        var digits = buffer[..n];
        // .NET's parsers are correctly rounded for both widths, so f32 is never rounded twice.
        if (format.MantissaBits == 23)
        {
            if (!float.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) || float.IsInfinity(f)) return false;
            bits = sign | BitConverter.SingleToUInt32Bits(f);
        }
        else
        {
            if (!double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || double.IsInfinity(d)) return false;
            bits = sign | BitConverter.DoubleToUInt64Bits(d);
        }
        return true;
    }

    /// <summary>Converts the part after <c>0x</c> of a hexadecimal float to the magnitude bits of
    /// <paramref name="format"/>, rounding to nearest even; false when the result would be infinite.</summary>
    private static bool TryHexFloat(ReadOnlySpan<char> text, FloatFormat format, out ulong bits)
    {
        bits = 0;
        var mantissa = BigInteger.Zero;
        var fractionDigits = 0;
        var i = 0;
        var inFraction = false;
        for (; i < text.Length && text[i] is not ('p' or 'P'); i++)
        {
            var c = text[i];
            if (c == '_') continue;
            if (c == '.')
            {
                inFraction = true;
                continue;
            }
            mantissa = mantissa << 4 | HexDigit(c);
            if (inFraction) fractionDigits++;
        }
        long exponent = 0;
        if (i < text.Length)
        {
            i++;
            var negative = text[i] == '-';
            if (text[i] is '+' or '-') i++;
            for (; i < text.Length; i++)
            {
                if (text[i] == '_') continue;
                // Saturate: beyond this magnitude every non-zero mantissa overflows or underflows anyway.
                if (exponent < 1_000_000_000) exponent = exponent * 10 + (text[i] - '0');
            }
            if (negative) exponent = -exponent;
        }
        if (mantissa.IsZero) return true;
        return TryRound(mantissa, exponent - 4L * fractionDigits, format, out bits);
    }

    /// <summary>Rounds <c>m * 2^e</c> (m &gt; 0) to <paramref name="format"/>, nearest even.</summary>
    private static bool TryRound(BigInteger m, long e, FloatFormat format, out ulong bits)
    {
        bits = 0;
        var p = format.Precision;
        var length = (long)m.GetBitLength();
        var leading = e + length - 1; // exponent of the leading bit
        // Number of low bits of m below the target precision: p significant bits for normal
        // numbers, a fixed quantum of 2^(minExponent - p + 1) for subnormals.
        var shift = leading >= format.MinExponent ? length - p : format.MinExponent - p + 1 - e;
        BigInteger q;
        if (shift > 0)
        {
            if (shift > length + 1)
            {
                // Far below half the smallest subnormal: rounds to zero.
                return true;
            }
            q = m >> (int)shift;
            var remainder = m - (q << (int)shift);
            var half = BigInteger.One << (int)(shift - 1);
            var cmp = remainder.CompareTo(half);
            if (cmp > 0 || (cmp == 0 && !q.IsEven)) q += 1;
        }
        else
        {
            q = m << (int)-shift;
        }
        var lsbExponent = e + shift;
        var hidden = BigInteger.One << (p - 1);
        if (q == hidden << 1)
        {
            q >>= 1;
            lsbExponent++;
        }
        if (q < hidden)
        {
            // Subnormal (or zero after rounding): the exponent field is zero.
            bits = (ulong)q;
            return true;
        }
        var top = lsbExponent + p - 1;
        if (top > format.MaxExponent) return false;
        // A subnormal that rounds up to 2^(p-1) lands here with top == MinExponent, biased 1.
        bits = (ulong)(top + format.Bias) << format.MantissaBits | (ulong)(q - hidden);
        return true;
    }

    private static bool TryMagnitude(string text, out ulong value)
    {
        value = 0;
        var s = text.AsSpan();
        if (s[0] is '+' or '-') s = s[1..];
        var hex = s.StartsWith("0x", StringComparison.Ordinal);
        if (hex) s = s[2..];
        foreach (var c in s)
        {
            if (c == '_') continue;
            var d = (ulong)HexDigit(c);
            var radix = hex ? 16UL : 10UL;
            if (value > (ulong.MaxValue - d) / radix) return false;
            value = value * radix + d;
        }
        return true;
    }

    /// <summary>Reads one or more digits with single underscores between digits.</summary>
    private static bool ScanDigits(ReadOnlySpan<char> s, ref int i, bool hex)
    {
        if (i >= s.Length || !IsDigit(s[i], hex)) return false;
        i++;
        while (i < s.Length)
        {
            if (IsDigit(s[i], hex)) i++;
            else if (s[i] == '_' && i + 1 < s.Length && IsDigit(s[i + 1], hex)) i += 2;
            else break;
        }
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> s, bool hex)
    {
        var i = 0;
        return ScanDigits(s, ref i, hex) && i == s.Length;
    }

    private static bool IsDigit(char c, bool hex) => char.IsAsciiDigit(c) || (hex && char.IsAsciiHexDigit(c));

    private static int HexDigit(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
