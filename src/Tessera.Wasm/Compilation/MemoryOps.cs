using System.Runtime.CompilerServices;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// Loads and stores of linear memory with the explicit bounds check DESIGN chose: the effective
/// address is computed in 64 bits (a 32-bit address plus a 32-bit offset cannot wrap) and compared
/// once against the cached length of the memory. Memory is native (a reserved slot,
/// <see cref="Runtime.Memory"/>): generated code passes the cached base address and length. Values are read and written little-endian and
/// unaligned; floats move with SSE/NEON moves, which copy bits exactly (NaN payloads survive; no
/// conversion through double is involved).
/// </summary>
internal static unsafe class MemoryOps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref byte At(nint memory, long length, uint address, ulong offset, int size)
    {
        // address + offset + size <= length, rearranged so that everything but the address is on
        // the right: length - size - offset depends only on the memory and the instruction, so the
        // JIT hoists it out of loops and each access costs one compare. All terms fit in a long
        // (offset < 2^32, length < 2^31), so the signed compare is exact.
        if ((long)address > length - size - (long)offset) WasmTrap.Throw(TrapKind.MemoryOutOfBounds);
        return ref Unsafe.AsRef<byte>((void*)(memory + (nint)address + (nint)offset));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int I32Load(uint a, ulong o, nint m, long n) => Unsafe.ReadUnaligned<int>(ref At(m, n, a, o, 4));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long I64Load(uint a, ulong o, nint m, long n) => Unsafe.ReadUnaligned<long>(ref At(m, n, a, o, 8));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float F32Load(uint a, ulong o, nint m, long n) => Unsafe.ReadUnaligned<float>(ref At(m, n, a, o, 4));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double F64Load(uint a, ulong o, nint m, long n) => Unsafe.ReadUnaligned<double>(ref At(m, n, a, o, 8));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int I32Load8S(uint a, ulong o, nint m, long n) => Unsafe.ReadUnaligned<sbyte>(ref At(m, n, a, o, 1));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int I32Load8U(uint a, ulong o, nint m, long n) => Unsafe.ReadUnaligned<byte>(ref At(m, n, a, o, 1));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int I32Load16S(uint a, ulong o, nint m, long n) => Unsafe.ReadUnaligned<short>(ref At(m, n, a, o, 2));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int I32Load16U(uint a, ulong o, nint m, long n) => Unsafe.ReadUnaligned<ushort>(ref At(m, n, a, o, 2));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long I64Load8S(uint a, ulong o, nint m, long n) => Unsafe.ReadUnaligned<sbyte>(ref At(m, n, a, o, 1));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long I64Load8U(uint a, ulong o, nint m, long n) => Unsafe.ReadUnaligned<byte>(ref At(m, n, a, o, 1));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long I64Load16S(uint a, ulong o, nint m, long n) => Unsafe.ReadUnaligned<short>(ref At(m, n, a, o, 2));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long I64Load16U(uint a, ulong o, nint m, long n) => Unsafe.ReadUnaligned<ushort>(ref At(m, n, a, o, 2));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long I64Load32S(uint a, ulong o, nint m, long n) => Unsafe.ReadUnaligned<int>(ref At(m, n, a, o, 4));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long I64Load32U(uint a, ulong o, nint m, long n) => (long)Unsafe.ReadUnaligned<uint>(ref At(m, n, a, o, 4));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void I32Store(uint a, int v, ulong o, nint m, long n) => Unsafe.WriteUnaligned(ref At(m, n, a, o, 4), v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void I64Store(uint a, long v, ulong o, nint m, long n) => Unsafe.WriteUnaligned(ref At(m, n, a, o, 8), v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void F32Store(uint a, float v, ulong o, nint m, long n) => Unsafe.WriteUnaligned(ref At(m, n, a, o, 4), v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void F64Store(uint a, double v, ulong o, nint m, long n) => Unsafe.WriteUnaligned(ref At(m, n, a, o, 8), v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void I32Store8(uint a, int v, ulong o, nint m, long n) => Unsafe.WriteUnaligned(ref At(m, n, a, o, 1), (byte)v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void I32Store16(uint a, int v, ulong o, nint m, long n) => Unsafe.WriteUnaligned(ref At(m, n, a, o, 2), (ushort)v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void I64Store8(uint a, long v, ulong o, nint m, long n) => Unsafe.WriteUnaligned(ref At(m, n, a, o, 1), (byte)v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void I64Store16(uint a, long v, ulong o, nint m, long n) => Unsafe.WriteUnaligned(ref At(m, n, a, o, 2), (ushort)v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void I64Store32(uint a, long v, ulong o, nint m, long n) => Unsafe.WriteUnaligned(ref At(m, n, a, o, 4), (uint)v);

    /// <summary>memory.grow: the old size in pages, or -1.</summary>
    public static int Grow(int delta, Memory memory) => memory.Grow((uint)delta);

    /// <summary>memory.copy: both ranges checked before anything moves; overlapping ranges copy as memmove.</summary>
    public static void Copy(int destination, int source, int count, nint m, long n)
    {
        if ((ulong)(uint)destination + (uint)count > (ulong)n || (ulong)(uint)source + (uint)count > (ulong)n) WasmTrap.Throw(TrapKind.MemoryOutOfBounds);
        Bytes(m, source, count).CopyTo(Bytes(m, destination, count));
    }

    /// <summary>memory.copy between two memories (multi-memory): both ranges checked before
    /// anything moves. The two can still be one memory when a module imports a memory twice;
    /// span copies behave as memmove then too.</summary>
    public static void CopyBetween(int destination, int source, int count, nint to, long toLength, nint from, long fromLength)
    {
        if ((ulong)(uint)destination + (uint)count > (ulong)toLength || (ulong)(uint)source + (uint)count > (ulong)fromLength)
            WasmTrap.Throw(TrapKind.MemoryOutOfBounds);
        Bytes(from, source, count).CopyTo(Bytes(to, destination, count));
    }

    /// <summary>memory.fill.</summary>
    public static void Fill(int destination, int value, int count, nint m, long n)
    {
        if ((ulong)(uint)destination + (uint)count > (ulong)n) WasmTrap.Throw(TrapKind.MemoryOutOfBounds);
        Bytes(m, destination, count).Fill((byte)value);
    }

    /// <summary>memory.init from a data segment (empty once dropped).</summary>
    public static void Init(int destination, int source, int count, nint m, long n, byte[] segment)
    {
        if ((ulong)(uint)destination + (uint)count > (ulong)n || (ulong)(uint)source + (uint)count > (ulong)segment.Length)
            WasmTrap.Throw(TrapKind.MemoryOutOfBounds);
        segment.AsSpan((int)(uint)source, (int)(uint)count).CopyTo(Bytes(m, destination, count));
    }

    /// <summary>The <paramref name="count"/> bytes at <paramref name="start"/>, already checked
    /// against the memory's length (which is below 2^31, so both fit in an int).</summary>
    private static Span<byte> Bytes(nint memory, int start, int count) => new((void*)(memory + (nint)(uint)start), (int)(uint)count);
}
