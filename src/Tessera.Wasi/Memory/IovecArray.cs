using System.Buffers.Binary;
using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Memory;

/// <summary>
/// An iovec array (<c>$iovec_array</c>) as the call found it: <see cref="Count"/> pairs of
/// (pointer, length), copied out of the guest's memory and each checked before any byte moves
/// (<see cref="GuestMemory.ReadIovecs"/>), so a bad entry fails a call with nothing read or
/// written. Copied, not read in place, for the reason readv(2) copies them: a read into the first
/// buffer may overwrite the table itself, and the bytes read must not choose where later bytes
/// go, nor fail the call halfway with data already consumed. The copy is bounded: at most
/// <see cref="MaxCount"/> entries (Linux's IOV_MAX) are taken, and a longer array makes a short
/// transfer.
/// </summary>
internal readonly struct IovecArray
{
    /// <summary>Linux's IOV_MAX: the entries one call takes.</summary>
    public const int MaxCount = 1024;

    private readonly (int Pointer, int Length)[] _entries;

    /// <summary>Copies and checks <paramref name="table"/> (whole entries, at most <see cref="MaxCount"/>).</summary>
    public IovecArray(GuestMemory memory, ReadOnlySpan<byte> table)
    {
        _entries = new (int, int)[table.Length / Layouts.IovecSize];
        for (int i = 0; i < _entries.Length; i++)
        {
            var entry = table[(i * Layouts.IovecSize)..];
            int pointer = BinaryPrimitives.ReadInt32LittleEndian(entry);
            int length = BinaryPrimitives.ReadInt32LittleEndian(entry[4..]);
            memory.Slice(pointer, length);
            _entries[i] = (pointer, length);
        }
    }

    public int Count => _entries.Length;

    /// <summary>Entry <paramref name="index"/>: (pointer, length) as the guest wrote them when the call began.</summary>
    public (int Pointer, int Length) this[int index] => _entries[index];

    /// <summary>The bytes all buffers hold together (up to 1,024 entries of up to 2^32 - 1 bytes, so a long).</summary>
    public long TotalLength
    {
        get
        {
            long total = 0;
            foreach (var (_, length) in _entries) total += (uint)length;
            return total;
        }
    }
}
