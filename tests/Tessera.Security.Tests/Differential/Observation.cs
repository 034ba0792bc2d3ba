using System.Globalization;

namespace Tessera.Security.Tests.Differential;

/// <summary>
/// The one spelling both engines' observations are written in, so two transcripts compare as
/// strings. NaNs are spelt without their payload: the spec lets an operation that produces a NaN
/// choose any arithmetic NaN (section 4.3.3, "NaN propagation"), so payload bits are the one
/// place where two correct engines may disagree. Everything else is exact bits.
/// </summary>
internal static class Observation
{
    public static string I32(int value) => "i32:" + value.ToString(CultureInfo.InvariantCulture);

    public static string I64(long value) => "i64:" + value.ToString(CultureInfo.InvariantCulture);

    public static string F32(uint bits) =>
        float.IsNaN(BitConverter.UInt32BitsToSingle(bits)) ? "f32:nan" : "f32:0x" + bits.ToString("x8", CultureInfo.InvariantCulture);

    public static string F64(ulong bits) =>
        double.IsNaN(BitConverter.UInt64BitsToDouble(bits)) ? "f64:nan" : "f64:0x" + bits.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>A vector is exact bits: its lanes' types are not known here, and the generators
    /// keep NaNs out of vectors (binaryen's --denan, integer-only lanes in ours).</summary>
    public static string V128(ReadOnlySpan<byte> bytes) => "v128:" + Convert.ToHexStringLower(bytes);

    public static string Reference(bool isNull) => isNull ? "ref:null" : "ref:non-null";

    /// <summary>A digest of linear memory: equal bytes, equal digest.</summary>
    public static string Memory(string name, ReadOnlySpan<byte> bytes) =>
        $"memory {name} {bytes.Length} bytes sha256:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))}";

    /// <summary>
    /// Whether two lines differ only in vector lanes that are NaN on both sides, read as four f32
    /// lanes or as two f64 lanes. binaryen's --denan does not reach vectors, and a float lane
    /// operation may choose any NaN payload. The price: two integer lanes that both happen to
    /// have a NaN's bit pattern (all-ones exponent, e.g. -1 and -2) compare equal here.
    /// </summary>
    public static bool SameUpToNaNLanes(string a, string b)
    {
        var wordsA = a.Split(' ');
        var wordsB = b.Split(' ');
        if (wordsA.Length != wordsB.Length) return false;
        for (int i = 0; i < wordsA.Length; i++)
        {
            if (wordsA[i] == wordsB[i]) continue;
            if (!wordsA[i].StartsWith("v128:", StringComparison.Ordinal) || !wordsB[i].StartsWith("v128:", StringComparison.Ordinal)) return false;
            byte[] x = Convert.FromHexString(wordsA[i][5..]);
            byte[] y = Convert.FromHexString(wordsB[i][5..]);
            if (!SameLanes(x, y, 4) && !SameLanes(x, y, 8)) return false;
        }
        return true;
    }

    private static bool SameLanes(byte[] x, byte[] y, int width)
    {
        for (int at = 0; at < 16; at += width)
        {
            if (x.AsSpan(at, width).SequenceEqual(y.AsSpan(at, width))) continue;
            bool bothNaN = width == 4
                ? float.IsNaN(BitConverter.ToSingle(x, at)) && float.IsNaN(BitConverter.ToSingle(y, at))
                : double.IsNaN(BitConverter.ToDouble(x, at)) && double.IsNaN(BitConverter.ToDouble(y, at));
            if (!bothNaN) return false;
        }
        return true;
    }
}
