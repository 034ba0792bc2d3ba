using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Wasm.Compilation;

// Vector loads and stores, with MemoryOps' bounds check (the effective address in 64 bits,
// compared once against the memory's length). Arguments in stack order (address, then the vector
// for stores and lane accesses), then the static offset and the cached base and length, then the lane.
internal static partial class SimdOps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load(uint a, ulong o, nint m, long n) => Unsafe.ReadUnaligned<Vector128<byte>>(ref MemoryOps.At(m, n, a, o, 16));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void V128Store(uint a, Vector128<byte> v, ulong o, nint m, long n) => Unsafe.WriteUnaligned(ref MemoryOps.At(m, n, a, o, 16), v);

    // ---- 64 bits loaded, each lane widened ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load8x8S(uint a, ulong o, nint m, long n) => Vector128.WidenLower(Load64(a, o, m, n).AsSByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load8x8U(uint a, ulong o, nint m, long n) => Vector128.WidenLower(Load64(a, o, m, n).AsByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load16x4S(uint a, ulong o, nint m, long n) => Vector128.WidenLower(Load64(a, o, m, n).AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load16x4U(uint a, ulong o, nint m, long n) => Vector128.WidenLower(Load64(a, o, m, n).AsUInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load32x2S(uint a, ulong o, nint m, long n) => Vector128.WidenLower(Load64(a, o, m, n).AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load32x2U(uint a, ulong o, nint m, long n) => Vector128.WidenLower(Load64(a, o, m, n).AsUInt32()).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Load64(uint a, ulong o, nint m, long n) => Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>(ref MemoryOps.At(m, n, a, o, 8)));

    // ---- one value loaded into every lane, or into lane 0 with the rest zero ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load8Splat(uint a, ulong o, nint m, long n) => Vector128.Create(MemoryOps.At(m, n, a, o, 1));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load16Splat(uint a, ulong o, nint m, long n) => Vector128.Create(Unsafe.ReadUnaligned<ushort>(ref MemoryOps.At(m, n, a, o, 2))).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load32Splat(uint a, ulong o, nint m, long n) => Vector128.Create(Unsafe.ReadUnaligned<uint>(ref MemoryOps.At(m, n, a, o, 4))).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load64Splat(uint a, ulong o, nint m, long n) => Vector128.Create(Unsafe.ReadUnaligned<ulong>(ref MemoryOps.At(m, n, a, o, 8))).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load32Zero(uint a, ulong o, nint m, long n) => Vector128.CreateScalar(Unsafe.ReadUnaligned<uint>(ref MemoryOps.At(m, n, a, o, 4))).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load64Zero(uint a, ulong o, nint m, long n) => Load64(a, o, m, n).AsByte();

    // ---- one lane loaded into or stored from a vector ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load8Lane(uint a, Vector128<byte> v, ulong o, nint m, long n, int lane) => v.WithElement(lane, MemoryOps.At(m, n, a, o, 1));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load16Lane(uint a, Vector128<byte> v, ulong o, nint m, long n, int lane) =>
        v.AsUInt16().WithElement(lane, Unsafe.ReadUnaligned<ushort>(ref MemoryOps.At(m, n, a, o, 2))).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load32Lane(uint a, Vector128<byte> v, ulong o, nint m, long n, int lane) =>
        v.AsUInt32().WithElement(lane, Unsafe.ReadUnaligned<uint>(ref MemoryOps.At(m, n, a, o, 4))).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> V128Load64Lane(uint a, Vector128<byte> v, ulong o, nint m, long n, int lane) =>
        v.AsUInt64().WithElement(lane, Unsafe.ReadUnaligned<ulong>(ref MemoryOps.At(m, n, a, o, 8))).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void V128Store8Lane(uint a, Vector128<byte> v, ulong o, nint m, long n, int lane) => MemoryOps.At(m, n, a, o, 1) = v.GetElement(lane);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void V128Store16Lane(uint a, Vector128<byte> v, ulong o, nint m, long n, int lane) =>
        Unsafe.WriteUnaligned(ref MemoryOps.At(m, n, a, o, 2), v.AsUInt16().GetElement(lane));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void V128Store32Lane(uint a, Vector128<byte> v, ulong o, nint m, long n, int lane) =>
        Unsafe.WriteUnaligned(ref MemoryOps.At(m, n, a, o, 4), v.AsUInt32().GetElement(lane));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void V128Store64Lane(uint a, Vector128<byte> v, ulong o, nint m, long n, int lane) =>
        Unsafe.WriteUnaligned(ref MemoryOps.At(m, n, a, o, 8), v.AsUInt64().GetElement(lane));
}
