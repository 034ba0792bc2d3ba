using System.Globalization;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;
using Tessera.Wasm.Text;

namespace Tessera.Cli;

/// <summary>
/// WebAssembly values as <c>tessera run</c> reads them from the command line and prints them.
/// Both directions use the numeric literals of the text format (the same parser as the
/// assembler), so every printed number can be passed back as an argument and gives the same bits:
/// <list type="bullet">
/// <item>i32, i64: signed decimal on output; decimal or <c>0x</c> hexadecimal, signed or unsigned
/// (i32 from -2^31 to 2^32-1), with optional <c>_</c> between digits, on input.</item>
/// <item>f32, f64: the shortest decimal that reads back as the same value (<c>1.5</c>, <c>1</c>,
/// <c>-0</c>, <c>1e+30</c>, <c>1.5e-07</c>), <c>inf</c>, <c>-inf</c>; NaN as <c>nan</c> when its
/// payload is the canonical one (only the quiet bit) and as <c>nan:0xPAYLOAD</c> otherwise, with
/// <c>-</c> when the sign bit is set. Input also takes hexadecimal floats (<c>0x1p-3</c>).</item>
/// <item>References: <c>null</c> both ways; a non-null funcref prints as <c>ref.func</c> and a
/// non-null externref as <c>ref.extern</c>. Only null can be passed in.</item>
/// </list>
/// </summary>
internal static class ValueText
{
    /// <summary>Reads argument number <paramref name="position"/> (from 1) as a value of <paramref name="type"/>.</summary>
    /// <exception cref="UsageException">The text is not a value of the type; the message names the
    /// argument and the expected syntax.</exception>
    public static Value Parse(string text, ValType type, int position)
    {
        switch (type.Kind)
        {
            case ValTypeKind.I32 when NumericLiteral.TryParseI32(text, out uint i32):
                return Value.I32((int)i32);
            case ValTypeKind.I64 when NumericLiteral.TryParseI64(text, out ulong i64):
                return Value.I64((long)i64);
            case ValTypeKind.F32 when NumericLiteral.TryParseF32(text, out uint f32):
                return Value.F32Bits(f32);
            case ValTypeKind.F64 when NumericLiteral.TryParseF64(text, out ulong f64):
                return Value.F64Bits(f64);
            case ValTypeKind.Ref when type.IsNullable && text == "null":
                return Value.Reference(type, null);
        }
        throw new UsageException($"argument {position} '{text}' is not a valid {type}: expected {Expected(type)}");
    }

    /// <summary>A result as one line of output (see the class summary for the format).</summary>
    public static string Format(Value value) => value.Type.Kind switch
    {
        ValTypeKind.I32 => value.AsI32().ToString(CultureInfo.InvariantCulture),
        ValTypeKind.I64 => value.AsI64().ToString(CultureInfo.InvariantCulture),
        ValTypeKind.F32 => FormatF32((uint)value.Bits),
        ValTypeKind.F64 => FormatF64(value.Bits),
        ValTypeKind.Ref => value.Ref switch
        {
            null => "null",
            Func => "ref.func",
            _ => "ref.extern",
        },
        _ => $"{value.Type}:0x{value.Bits:x}", // v128 cannot reach here until SIMD executes
    };

    private static string FormatF32(uint bits)
    {
        float f = BitConverter.UInt32BitsToSingle(bits);
        if (float.IsNaN(f)) return FormatNaN(bits >> 31 != 0, bits & 0x7F_FFFF, 1UL << 22);
        if (float.IsInfinity(f)) return f > 0 ? "inf" : "-inf";
        // "R" is the shortest round-trip form on .NET Core 3.0 and later.
        return f.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
    }

    private static string FormatF64(ulong bits)
    {
        double d = BitConverter.UInt64BitsToDouble(bits);
        if (double.IsNaN(d)) return FormatNaN(bits >> 63 != 0, bits & 0xF_FFFF_FFFF_FFFF, 1UL << 51);
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        return d.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
    }

    /// <summary>The text format's spelling of a NaN: <c>nan</c> is exactly the canonical payload,
    /// so any other payload must be shown to round-trip.</summary>
    private static string FormatNaN(bool negative, ulong payload, ulong canonical) =>
        (negative ? "-" : "") + (payload == canonical ? "nan" : $"nan:0x{payload:x}");

    private static string Expected(ValType type) => type.Kind switch
    {
        ValTypeKind.I32 => "a decimal or 0x hexadecimal integer from -2147483648 to 4294967295",
        ValTypeKind.I64 => "a decimal or 0x hexadecimal integer from -9223372036854775808 to 18446744073709551615",
        ValTypeKind.F32 or ValTypeKind.F64 => "a decimal or 0x hexadecimal float, inf, -inf, nan or nan:0xPAYLOAD",
        ValTypeKind.Ref when type.IsNullable => "null (the only reference the command line can make)",
        _ => "a value the command line cannot make yet",
    };
}
