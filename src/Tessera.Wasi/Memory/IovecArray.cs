using System.Buffers.Binary;
using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Memory;

/// <summary>
/// An iovec array (<c>$iovec_array</c>) read in place: <see cref="Count"/> pairs of (pointer,
/// length) in the guest's memory. Every entry was checked when the view was made
/// (<see cref="GuestMemory.ReadIovecs"/>), so a bad entry fails a call before any byte moves, and
/// nothing is copied out: the count is the guest's, so a host list of the entries would grow with
/// it (up to 512 Mi entries in a 4 GiB memory). Entries are read again from memory on use and
/// every buffer is taken through <see cref="GuestMemory.Slice(int, int)"/>, which checks it again.
/// </summary>
internal readonly struct IovecArray
{
    private readonly GuestMemory _memory;
    private readonly int _table;

    public IovecArray(GuestMemory memory, int table, int count)
    {
        _memory = memory;
        _table = table;
        Count = count;
    }

    public int Count { get; }

    /// <summary>Entry <paramref name="index"/>: (pointer, length) as the guest wrote them.</summary>
    public (int Pointer, int Length) this[int index]
    {
        get
        {
            var entry = _memory.Slice(_table + index * Layouts.IovecSize, Layouts.IovecSize);
            return (BinaryPrimitives.ReadInt32LittleEndian(entry), BinaryPrimitives.ReadInt32LittleEndian(entry[4..]));
        }
    }

    /// <summary>The bytes all buffers hold together (up to 2^32 entries of up to 2^32 - 1 bytes, so a long).</summary>
    public long TotalLength
    {
        get
        {
            long total = 0;
            for (int i = 0; i < Count; i++) total += (uint)this[i].Length;
            return total;
        }
    }
}
