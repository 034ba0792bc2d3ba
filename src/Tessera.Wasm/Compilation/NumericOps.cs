using System.Numerics;
using System.Runtime.CompilerServices;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// The numeric instructions whose WebAssembly semantics differ from one IL opcode: traps on
/// division and conversion, IEEE min/max, rounding, bitwise sign operations. Generated code calls
/// these; they are small and aggressively inlined. Each follows the spec's numerics section (4.3).
/// </summary>
internal static class NumericOps
{
    // ---- integer division (4.3.2: idiv/irem trap on zero; idiv_s traps on INT_MIN / -1) ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int I32DivS(int a, int b)
    {
        if (b == 0) WasmTrap.Throw(TrapKind.IntegerDivideByZero);
        if (b == -1 && a == int.MinValue) WasmTrap.Throw(TrapKind.IntegerOverflow);
        return a / b;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint I32DivU(uint a, uint b)
    {
        if (b == 0) WasmTrap.Throw(TrapKind.IntegerDivideByZero);
        return a / b;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int I32RemS(int a, int b)
    {
        if (b == 0) WasmTrap.Throw(TrapKind.IntegerDivideByZero);
        return b == -1 ? 0 : a % b;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint I32RemU(uint a, uint b)
    {
        if (b == 0) WasmTrap.Throw(TrapKind.IntegerDivideByZero);
        return a % b;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long I64DivS(long a, long b)
    {
        if (b == 0) WasmTrap.Throw(TrapKind.IntegerDivideByZero);
        if (b == -1 && a == long.MinValue) WasmTrap.Throw(TrapKind.IntegerOverflow);
        return a / b;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong I64DivU(ulong a, ulong b)
    {
        if (b == 0) WasmTrap.Throw(TrapKind.IntegerDivideByZero);
        return a / b;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long I64RemS(long a, long b)
    {
        if (b == 0) WasmTrap.Throw(TrapKind.IntegerDivideByZero);
        return b == -1 ? 0 : a % b;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong I64RemU(ulong a, ulong b)
    {
        if (b == 0) WasmTrap.Throw(TrapKind.IntegerDivideByZero);
        return a % b;
    }

    // ---- bit counting and rotation ----
    public static int I32Clz(uint a) => BitOperations.LeadingZeroCount(a);
    public static int I32Ctz(uint a) => a == 0 ? 32 : BitOperations.TrailingZeroCount(a);
    public static int I32Popcnt(uint a) => BitOperations.PopCount(a);
    public static uint I32Rotl(uint a, int n) => BitOperations.RotateLeft(a, n & 31);
    public static uint I32Rotr(uint a, int n) => BitOperations.RotateRight(a, n & 31);
    public static long I64Clz(ulong a) => BitOperations.LeadingZeroCount(a);
    public static long I64Ctz(ulong a) => a == 0 ? 64 : BitOperations.TrailingZeroCount(a);
    public static long I64Popcnt(ulong a) => BitOperations.PopCount(a);
    public static ulong I64Rotl(ulong a, long n) => BitOperations.RotateLeft(a, (int)(n & 63));
    public static ulong I64Rotr(ulong a, long n) => BitOperations.RotateRight(a, (int)(n & 63));

    // ---- float operations on bits (4.3.3: abs, neg, copysign touch only the sign bit) ----
    public static float F32Abs(float a) => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(a) & 0x7FFF_FFFFu);
    public static float F32Neg(float a) => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(a) ^ 0x8000_0000u);
    public static float F32Copysign(float a, float b) => BitConverter.UInt32BitsToSingle(
        (BitConverter.SingleToUInt32Bits(a) & 0x7FFF_FFFFu) | (BitConverter.SingleToUInt32Bits(b) & 0x8000_0000u));
    public static double F64Abs(double a) => BitConverter.UInt64BitsToDouble(BitConverter.DoubleToUInt64Bits(a) & 0x7FFF_FFFF_FFFF_FFFFul);
    public static double F64Neg(double a) => BitConverter.UInt64BitsToDouble(BitConverter.DoubleToUInt64Bits(a) ^ 0x8000_0000_0000_0000ul);
    public static double F64Copysign(double a, double b) => BitConverter.UInt64BitsToDouble(
        (BitConverter.DoubleToUInt64Bits(a) & 0x7FFF_FFFF_FFFF_FFFFul) | (BitConverter.DoubleToUInt64Bits(b) & 0x8000_0000_0000_0000ul));

    // ---- rounding and min/max: a NaN operand gives an arithmetic (quiet) NaN; a + a quiets it ----
    public static float F32Ceil(float a) => float.IsNaN(a) ? a + a : MathF.Ceiling(a);
    public static float F32Floor(float a) => float.IsNaN(a) ? a + a : MathF.Floor(a);
    public static float F32Trunc(float a) => float.IsNaN(a) ? a + a : MathF.Truncate(a);
    public static float F32Nearest(float a) => float.IsNaN(a) ? a + a : MathF.Round(a, MidpointRounding.ToEven);
    public static float F32Sqrt(float a) => float.IsNaN(a) ? a + a : MathF.Sqrt(a);
    public static float F32Min(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? a + b : MathF.Min(a, b);
    public static float F32Max(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? a + b : MathF.Max(a, b);
    public static double F64Ceil(double a) => double.IsNaN(a) ? a + a : Math.Ceiling(a);
    public static double F64Floor(double a) => double.IsNaN(a) ? a + a : Math.Floor(a);
    public static double F64Trunc(double a) => double.IsNaN(a) ? a + a : Math.Truncate(a);
    public static double F64Nearest(double a) => double.IsNaN(a) ? a + a : Math.Round(a, MidpointRounding.ToEven);
    public static double F64Sqrt(double a) => double.IsNaN(a) ? a + a : Math.Sqrt(a);
    public static double F64Min(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? a + b : Math.Min(a, b);
    public static double F64Max(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? a + b : Math.Max(a, b);

    // ---- float width changes: a NaN becomes a quiet NaN (the JIT may fold a promote-demote pair) ----
    public static double F64PromoteF32(float a) => float.IsNaN(a) ? F64FromBits(I64FromF64(a) | 0x0008_0000_0000_0000) : a;
    public static float F32DemoteF64(double a) => double.IsNaN(a) ? F32FromBits(I32FromF32((float)a) | 0x0040_0000) : (float)a;

    // ---- integer to float with one rounding (conv.r.un then conv.r4 would round twice) ----
    public static float F32ConvertI64U(ulong a)
    {
        if ((long)a >= 0) return (long)a;
        // Halve keeping the lost bit sticky, so the one rounding to float sees it.
        return (float)(long)((a >> 1) | (a & 1)) * 2f;
    }
    public static double F64ConvertI64U(ulong a)
    {
        if ((long)a >= 0) return (long)a;
        return (double)(long)((a >> 1) | (a & 1)) * 2.0;
    }
    public static float F32ConvertI64S(long a) => a;
    public static double F64ConvertI64S(long a) => a;
    public static float F32ConvertI32U(uint a) => (long)a;
    public static double F64ConvertI32U(uint a) => a;

    // ---- float to integer, trapping (4.3.3 trunc) ----
    public static int I32TruncF32S(float a) => I32TruncF64S(a);
    public static uint I32TruncF32U(float a) => I32TruncF64U(a);
    public static int I32TruncF64S(double a)
    {
        if (double.IsNaN(a)) WasmTrap.Throw(TrapKind.InvalidConversionToInteger);
        if (!(a > -2147483649.0 && a < 2147483648.0)) WasmTrap.Throw(TrapKind.IntegerOverflow);
        return (int)a;
    }
    public static uint I32TruncF64U(double a)
    {
        if (double.IsNaN(a)) WasmTrap.Throw(TrapKind.InvalidConversionToInteger);
        if (!(a > -1.0 && a < 4294967296.0)) WasmTrap.Throw(TrapKind.IntegerOverflow);
        return (uint)a;
    }
    public static long I64TruncF32S(float a) => I64TruncF64S(a);
    public static ulong I64TruncF32U(float a) => I64TruncF64U(a);
    public static long I64TruncF64S(double a)
    {
        if (double.IsNaN(a)) WasmTrap.Throw(TrapKind.InvalidConversionToInteger);
        if (!(a >= -9223372036854775808.0 && a < 9223372036854775808.0)) WasmTrap.Throw(TrapKind.IntegerOverflow);
        return (long)a;
    }
    public static ulong I64TruncF64U(double a)
    {
        if (double.IsNaN(a)) WasmTrap.Throw(TrapKind.InvalidConversionToInteger);
        if (!(a > -1.0 && a < 18446744073709551616.0)) WasmTrap.Throw(TrapKind.IntegerOverflow);
        return (ulong)a;
    }

    // ---- float to integer, saturating (NaN is 0) ----
    public static int I32TruncSatF64S(double a) => double.IsNaN(a) ? 0 : a <= int.MinValue ? int.MinValue : a >= 2147483647.0 ? int.MaxValue : (int)a;
    public static uint I32TruncSatF64U(double a) => double.IsNaN(a) || a <= 0 ? 0 : a >= 4294967295.0 ? uint.MaxValue : (uint)a;
    public static long I64TruncSatF64S(double a) => double.IsNaN(a) ? 0 : a <= -9223372036854775808.0 ? long.MinValue : a >= 9223372036854775808.0 ? long.MaxValue : (long)a;
    public static ulong I64TruncSatF64U(double a) => double.IsNaN(a) || a <= 0 ? 0 : a >= 18446744073709551616.0 ? ulong.MaxValue : (ulong)a;
    public static int I32TruncSatF32S(float a) => I32TruncSatF64S(a);
    public static uint I32TruncSatF32U(float a) => I32TruncSatF64U(a);
    public static long I64TruncSatF32S(float a) => I64TruncSatF64S(a);
    public static ulong I64TruncSatF32U(float a) => I64TruncSatF64U(a);

    // ---- reinterpretation keeps every bit ----
    public static float F32FromBits(int a) => BitConverter.Int32BitsToSingle(a);
    public static double F64FromBits(long a) => BitConverter.Int64BitsToDouble(a);
    public static int I32FromF32(float a) => BitConverter.SingleToInt32Bits(a);
    public static long I64FromF64(double a) => BitConverter.DoubleToInt64Bits(a);

    // ---- select: a conditional move the JIT turns into cmov ----
    public static int SelectI32(int a, int b, int c) => c != 0 ? a : b;
    public static long SelectI64(long a, long b, int c) => c != 0 ? a : b;
    public static float SelectF32(float a, float b, int c) => c != 0 ? a : b;
    public static double SelectF64(double a, double b, int c) => c != 0 ? a : b;

    // ---- opaque to the JIT, which folds identities and keeps float constants as doubles ----
    [MethodImpl(MethodImplOptions.NoInlining)] public static float F32FromBitsOpaque(int a) => BitConverter.Int32BitsToSingle(a);

    // Constants loaded from the module's constant table: the JIT cannot know an array element, so it
    // cannot fold x * 1 with them, and unlike a call the load clobbers no registers.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float F32Constant(ulong[] table, int i) => BitConverter.UInt32BitsToSingle((uint)table[i]);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double F64Constant(ulong[] table, int i) => BitConverter.UInt64BitsToDouble(table[i]);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int I32Constant(ulong[] table, int i) => (int)(uint)table[i];
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static long I64Constant(ulong[] table, int i) => (long)table[i];
    [MethodImpl(MethodImplOptions.NoInlining)] public static float F32AddOpaque(float a, float b) => a + b;
    [MethodImpl(MethodImplOptions.NoInlining)] public static float F32SubOpaque(float a, float b) => a - b;
    [MethodImpl(MethodImplOptions.NoInlining)] public static float F32MulOpaque(float a, float b) => a * b;
    [MethodImpl(MethodImplOptions.NoInlining)] public static float F32DivOpaque(float a, float b) => a / b;
    [MethodImpl(MethodImplOptions.NoInlining)] public static double F64AddOpaque(double a, double b) => a + b;
    [MethodImpl(MethodImplOptions.NoInlining)] public static double F64SubOpaque(double a, double b) => a - b;
    [MethodImpl(MethodImplOptions.NoInlining)] public static double F64MulOpaque(double a, double b) => a * b;
    [MethodImpl(MethodImplOptions.NoInlining)] public static double F64DivOpaque(double a, double b) => a / b;
}

/// <summary>
/// Zeros generated code reads to make a value opaque to the JIT (FunctionCompiler.HideRotateResult):
/// the JIT folds only readonly statics, so a load of these is a value it cannot know, and x ^ 0
/// with them is one xor with a memory operand, without the constant table's bounds check.
/// </summary>
internal static class OpaqueZero
{
#pragma warning disable CS0649 // Never assigned on purpose: they must stay zero.
    internal static int I32;
    internal static long I64;
#pragma warning restore CS0649
}
