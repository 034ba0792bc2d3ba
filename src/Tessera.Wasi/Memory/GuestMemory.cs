using System.Buffers.Binary;
using Tessera.Wasi.Abi;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasi.Memory;

/// <summary>
/// The calling instance's linear memory as a WASI function sees it: every access is checked
/// against the memory's current length and a pointer that does not fit fails the function with
/// <see cref="Errno.Fault"/> (never an exception out of the host). Pointers are wasm32 <c>u32</c>
/// values passed as <c>int</c>; they are reinterpreted as unsigned before any arithmetic, and sums
/// are done in 64 bits so they cannot wrap.
/// </summary>
/// <remarks>
/// Memory cannot grow during a WASI call (no WASI function calls back into WebAssembly), so the
/// memory's span taken at each access stays valid until the call returns.
/// </remarks>
internal readonly struct GuestMemory
{
    private readonly Tessera.Wasm.Runtime.Memory? _memory;

    public GuestMemory(Caller caller) => _memory = caller.Memory;

    private Span<byte> Bytes => _memory is null ? [] : _memory.Span;

    /// <summary>The <paramref name="length"/> bytes at <paramref name="pointer"/>.</summary>
    public Span<byte> Slice(int pointer, int length)
    {
        ulong start = (uint)pointer, end = start + (uint)length;
        var bytes = Bytes;
        if (end > (ulong)bytes.Length) throw new WasiException(Errno.Fault);
        return bytes.Slice((int)start, (int)(uint)length);
    }

    /// <summary>The memory from <paramref name="pointer"/> for <paramref name="length"/> bytes, where
    /// <paramref name="length"/> is a 64-bit count the guest computed.</summary>
    public Span<byte> Slice(int pointer, long length)
    {
        if ((ulong)length > uint.MaxValue) throw new WasiException(Errno.Fault);
        return Slice(pointer, (int)(uint)length);
    }

    public byte ReadU8(int pointer) => Slice(pointer, 1)[0];
    public ushort ReadU16(int pointer) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(pointer, 2));
    public uint ReadU32(int pointer) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(pointer, 4));
    public ulong ReadU64(int pointer) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(pointer, 8));

    public void WriteU8(int pointer, byte value) => Slice(pointer, 1)[0] = value;
    public void WriteU16(int pointer, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Slice(pointer, 2), value);
    public void WriteU32(int pointer, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Slice(pointer, 4), value);
    public void WriteU64(int pointer, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Slice(pointer, 8), value);

    /// <summary>
    /// The buffers of an iovec array (<c>$iovec_array</c>): <paramref name="count"/> pairs of
    /// (pointer, length) at <paramref name="iovs"/>, copied and each checked before any byte
    /// moves, so a bad entry fails the call with nothing read or written (<see cref="IovecArray"/>).
    /// The whole table must lie in memory (FAULT); only its first <see cref="IovecArray.MaxCount"/>
    /// entries are used, so the copy is bounded and a longer array makes a short transfer, which
    /// every caller of fd_read and fd_write must handle anyway (Linux's readv refuses such a count
    /// with EINVAL instead, but Rust's std passes its slices to WASI uncapped, and Wasmtime
    /// accepts them).
    /// </summary>
    public IovecArray ReadIovecs(int iovs, int count)
    {
        var table = Slice(iovs, (long)(uint)count * Layouts.IovecSize);
        return new IovecArray(this, table[..((int)Math.Min((uint)count, (uint)IovecArray.MaxCount) * Layouts.IovecSize)]);
    }

    /// <summary>Linux's PATH_MAX less its NUL: the longest path the host would take.</summary>
    public const int MaxPathLength = 4095;

    /// <summary>A path argument: at most <see cref="MaxPathLength"/> bytes (<see cref="Errno.NameTooLong"/>,
    /// as Linux answers a longer path, and before the host copies any of it), valid UTF-8
    /// (<see cref="Errno.IlSeq"/>) with no NUL (<see cref="Errno.Inval"/>).</summary>
    public byte[] ReadPath(int pointer, int length)
    {
        var bytes = Slice(pointer, length);
        if (bytes.Length > MaxPathLength) throw new WasiException(Errno.NameTooLong);
        if (bytes.Contains((byte)0)) throw new WasiException(Errno.Inval);
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) throw new WasiException(Errno.IlSeq);
        return bytes.ToArray();
    }
}
