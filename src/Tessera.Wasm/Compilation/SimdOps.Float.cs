using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Wasm.Compilation;

// Float lane arithmetic and conversions. A NaN operand must give an arithmetic NaN (quiet bit
// set). Hardware arithmetic does that, but the JIT folds x * 1, x / 1, x - 0 and x + -0 to x when
// it sees the constant, returning a signaling NaN unquieted: so the compiler never lets it see
// one (v128.const and splats of constants are built opaquely, FunctionCompiler.Simd.cs), and
// add, sub, mul and div are the bare hardware operations. Min, max and rounding select the NaN lanes explicitly, and conversions reuse the
// scalar NumericOps lane by lane where .NET's vector conversion could differ.
internal static partial class SimdOps
{
    // ---- sign bit operations (4.3.3: abs and neg touch only the sign, NaN payloads included) ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Abs(Vector128<byte> a) => (a.AsUInt32() & Vector128.Create(0x7FFF_FFFFu)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Neg(Vector128<byte> a) => (a.AsUInt32() ^ Vector128.Create(0x8000_0000u)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Abs(Vector128<byte> a) => (a.AsUInt64() & Vector128.Create(0x7FFF_FFFF_FFFF_FFFFul)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Neg(Vector128<byte> a) => (a.AsUInt64() ^ Vector128.Create(0x8000_0000_0000_0000ul)).AsByte();

    // ---- arithmetic ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Add(Vector128<byte> a, Vector128<byte> b) => (a.AsSingle() + b.AsSingle()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Sub(Vector128<byte> a, Vector128<byte> b) => (a.AsSingle() - b.AsSingle()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Mul(Vector128<byte> a, Vector128<byte> b) => (a.AsSingle() * b.AsSingle()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Div(Vector128<byte> a, Vector128<byte> b) => (a.AsSingle() / b.AsSingle()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Sqrt(Vector128<byte> a) => QuietNaNs(a.AsSingle(), Vector128.Sqrt(a.AsSingle())).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Add(Vector128<byte> a, Vector128<byte> b) => (a.AsDouble() + b.AsDouble()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Sub(Vector128<byte> a, Vector128<byte> b) => (a.AsDouble() - b.AsDouble()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Mul(Vector128<byte> a, Vector128<byte> b) => (a.AsDouble() * b.AsDouble()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Div(Vector128<byte> a, Vector128<byte> b) => (a.AsDouble() / b.AsDouble()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Sqrt(Vector128<byte> a) => QuietNaNs(a.AsDouble(), Vector128.Sqrt(a.AsDouble())).AsByte();

    // ---- rounding ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Ceil(Vector128<byte> a) => QuietNaNs(a.AsSingle(), Vector128.Ceiling(a.AsSingle())).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Floor(Vector128<byte> a) => QuietNaNs(a.AsSingle(), Vector128.Floor(a.AsSingle())).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Trunc(Vector128<byte> a) => QuietNaNs(a.AsSingle(), Vector128.Truncate(a.AsSingle())).AsByte();
    /// <summary>f32x4.nearest: ties to even (Vector128.Round's rounding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Nearest(Vector128<byte> a) => QuietNaNs(a.AsSingle(), Vector128.Round(a.AsSingle())).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Ceil(Vector128<byte> a) => QuietNaNs(a.AsDouble(), Vector128.Ceiling(a.AsDouble())).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Floor(Vector128<byte> a) => QuietNaNs(a.AsDouble(), Vector128.Floor(a.AsDouble())).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Trunc(Vector128<byte> a) => QuietNaNs(a.AsDouble(), Vector128.Truncate(a.AsDouble())).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Nearest(Vector128<byte> a) => QuietNaNs(a.AsDouble(), Vector128.Round(a.AsDouble())).AsByte();

    /// <summary>Where <paramref name="a"/> is NaN, <paramref name="a"/> quieted (payload kept)
    /// instead of <paramref name="result"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> QuietNaNs<T>(Vector128<T> a, Vector128<T> result) =>
        Vector128.ConditionalSelect(Vector128.Equals(a, a), result, a | QuietBit<T>());

    /// <summary>The most significant mantissa bit of each lane of a float vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> QuietBit<T>() => typeof(T) == typeof(float)
        ? Vector128.Create(0x0040_0000u).As<uint, T>()
        : Vector128.Create(0x0008_0000_0000_0000ul).As<ulong, T>();

    // ---- min and max (4.3.3 fmin/fmax): NaN if either is NaN, and -0 below +0 ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Min(Vector128<byte> a, Vector128<byte> b) => Min(a.AsSingle(), b.AsSingle()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Max(Vector128<byte> a, Vector128<byte> b) => Max(a.AsSingle(), b.AsSingle()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Min(Vector128<byte> a, Vector128<byte> b) => Min(a.AsDouble(), b.AsDouble()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Max(Vector128<byte> a, Vector128<byte> b) => Max(a.AsDouble(), b.AsDouble()).AsByte();

    /// <summary>Equal lanes (including +0 and -0) combine by OR, which keeps a negative sign.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Min<T>(Vector128<T> a, Vector128<T> b)
    {
        var ordered = Vector128.ConditionalSelect(Vector128.LessThan(a, b), a, Vector128.ConditionalSelect(Vector128.LessThan(b, a), b, a | b));
        return OrderedOrNaN(a, b, ordered);
    }

    /// <summary>Equal lanes (including +0 and -0) combine by AND, which keeps a positive sign.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Max<T>(Vector128<T> a, Vector128<T> b)
    {
        var ordered = Vector128.ConditionalSelect(Vector128.LessThan(b, a), a, Vector128.ConditionalSelect(Vector128.LessThan(a, b), b, a & b));
        return OrderedOrNaN(a, b, ordered);
    }

    /// <summary><paramref name="ordered"/> where neither operand is NaN; elsewhere the NaN operand
    /// (a's if both) quieted, which keeps a canonical NaN canonical.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> OrderedOrNaN<T>(Vector128<T> a, Vector128<T> b, Vector128<T> ordered)
    {
        var aIsNumber = Vector128.Equals(a, a);
        var nan = Vector128.ConditionalSelect(aIsNumber, b, a) | QuietBit<T>();
        return Vector128.ConditionalSelect(aIsNumber & Vector128.Equals(b, b), ordered, nan);
    }

    // ---- pseudo-min and -max: exactly b < a ? b : a and a < b ? b : a, NaNs passed through ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Pmin(Vector128<byte> a, Vector128<byte> b) => Vector128.ConditionalSelect(Vector128.LessThan(b.AsSingle(), a.AsSingle()), b.AsSingle(), a.AsSingle()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4Pmax(Vector128<byte> a, Vector128<byte> b) => Vector128.ConditionalSelect(Vector128.LessThan(a.AsSingle(), b.AsSingle()), b.AsSingle(), a.AsSingle()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Pmin(Vector128<byte> a, Vector128<byte> b) => Vector128.ConditionalSelect(Vector128.LessThan(b.AsDouble(), a.AsDouble()), b.AsDouble(), a.AsDouble()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F64x2Pmax(Vector128<byte> a, Vector128<byte> b) => Vector128.ConditionalSelect(Vector128.LessThan(a.AsDouble(), b.AsDouble()), b.AsDouble(), a.AsDouble()).AsByte();

    // ---- conversions ----

    /// <summary>i32x4.trunc_sat_f32x4_s: NaN to 0, out of range to the nearest bound (the scalar rule per lane).</summary>
    public static Vector128<byte> I32x4TruncSatF32x4S(Vector128<byte> a)
    {
        var x = a.AsSingle();
        return Vector128.Create(NumericOps.I32TruncSatF32S(x[0]), NumericOps.I32TruncSatF32S(x[1]),
            NumericOps.I32TruncSatF32S(x[2]), NumericOps.I32TruncSatF32S(x[3])).AsByte();
    }
    public static Vector128<byte> I32x4TruncSatF32x4U(Vector128<byte> a)
    {
        var x = a.AsSingle();
        return Vector128.Create(NumericOps.I32TruncSatF32U(x[0]), NumericOps.I32TruncSatF32U(x[1]),
            NumericOps.I32TruncSatF32U(x[2]), NumericOps.I32TruncSatF32U(x[3])).AsByte();
    }
    /// <summary>The two f64 lanes converted into lanes 0 and 1; lanes 2 and 3 are zero.</summary>
    public static Vector128<byte> I32x4TruncSatF64x2SZero(Vector128<byte> a)
    {
        var x = a.AsDouble();
        return Vector128.Create(NumericOps.I32TruncSatF64S(x[0]), NumericOps.I32TruncSatF64S(x[1]), 0, 0).AsByte();
    }
    public static Vector128<byte> I32x4TruncSatF64x2UZero(Vector128<byte> a)
    {
        var x = a.AsDouble();
        return Vector128.Create(NumericOps.I32TruncSatF64U(x[0]), NumericOps.I32TruncSatF64U(x[1]), 0u, 0u).AsByte();
    }

    /// <summary>f32x4.convert_i32x4_s: one rounding to nearest-even per lane (cvtdq2ps, scvtf).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> F32x4ConvertI32x4S(Vector128<byte> a) => Vector128.ConvertToSingle(a.AsInt32()).AsByte();
    /// <summary>Each u32 widens exactly to double, then rounds once to float.</summary>
    public static Vector128<byte> F32x4ConvertI32x4U(Vector128<byte> a)
    {
        var x = a.AsUInt32();
        return Vector128.Create((float)(double)x[0], (float)(double)x[1], (float)(double)x[2], (float)(double)x[3]).AsByte();
    }
    /// <summary>Lanes 0 and 1 widened to f64: exact.</summary>
    public static Vector128<byte> F64x2ConvertLowI32x4S(Vector128<byte> a)
    {
        var x = a.AsInt32();
        return Vector128.Create((double)x[0], x[1]).AsByte();
    }
    public static Vector128<byte> F64x2ConvertLowI32x4U(Vector128<byte> a)
    {
        var x = a.AsUInt32();
        return Vector128.Create((double)x[0], x[1]).AsByte();
    }

    /// <summary>f32x4.demote_f64x2_zero: lanes 0 and 1 rounded to f32 (NaN quieted), lanes 2 and 3 zero.</summary>
    public static Vector128<byte> F32x4DemoteF64x2Zero(Vector128<byte> a)
    {
        var x = a.AsDouble();
        return Vector128.Create(NumericOps.F32DemoteF64(x[0]), NumericOps.F32DemoteF64(x[1]), 0f, 0f).AsByte();
    }
    /// <summary>f64x2.promote_low_f32x4: lanes 0 and 1 widened (NaN quieted).</summary>
    public static Vector128<byte> F64x2PromoteLowF32x4(Vector128<byte> a)
    {
        var x = a.AsSingle();
        return Vector128.Create(NumericOps.F64PromoteF32(x[0]), NumericOps.F64PromoteF32(x[1])).AsByte();
    }
}
