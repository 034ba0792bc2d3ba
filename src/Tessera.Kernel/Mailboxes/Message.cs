using System.Buffers;
using System.Buffers.Binary;
using Tessera.Kernel.Tasks;

namespace Tessera.Kernel.Mailboxes;

/// <summary>
/// A message: bytes copied out of the sender's memory (share nothing), the sender, and a tag the
/// receiver can select on. Tags at or above zero are the guest's; negative tags are the kernel's
/// (<see cref="Down"/>).
/// </summary>
/// <remarks>
/// A large message sent with <c>send_move</c> carries the sender's pages themselves
/// (<see cref="MovedPayload"/>): whoever takes such a message must <see cref="Release"/> it.
/// A struct, held in the mailbox's own array: a queued message costs no object of its own, and a
/// value message (<see cref="OfValue"/>, what <c>send_value</c> sends) carries its 8 bytes inline,
/// so it costs no allocation at all. A mailbox holding 100,000 messages is then one array for the
/// garbage collector to move rather than 300,000 objects (docs/benchmarks.md, Tasks).
/// </remarks>
public readonly struct Message
{
    /// <summary>Payloads from this many bytes are copied into arrays from
    /// <see cref="ArrayPool{T}.Shared"/>, given back when the message is released: a fresh array
    /// that large is allocated on the large object heap, whose new pages the host faults in one by
    /// one (docs/benchmarks.md, Tasks, large messages).</summary>
    public const int PooledFrom = 16 * 1024;

    /// <summary>The bytes: a <c>byte[]</c>, a <see cref="MovedPayload"/>, or null for a value message.</summary>
    private readonly object? _payload;
    /// <summary>A value message's value; for a pooled array (longer than the payload), the
    /// payload's length; otherwise 0.</summary>
    private readonly long _value;

    /// <summary>A message of <paramref name="payload"/>, which the message now owns.</summary>
    public Message(TaskId from, int tag, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        From = from;
        Tag = tag;
        _payload = payload;
    }

    private Message(TaskId from, int tag, byte[] pooled, int length)
    {
        From = from;
        Tag = tag;
        _payload = pooled;
        _value = length;
    }

    /// <summary>A message of a copy of <paramref name="bytes"/>: in a pooled array from
    /// <see cref="PooledFrom"/> bytes on (whoever takes the message then <see cref="Release"/>s
    /// it), in an array of its own below.</summary>
    public static Message CopyOf(TaskId from, int tag, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < PooledFrom)
        {
            var copy = GC.AllocateUninitializedArray<byte>(bytes.Length);
            bytes.CopyTo(copy);
            return new Message(from, tag, copy);
        }
        var pooled = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(pooled);
        return new Message(from, tag, pooled, bytes.Length);
    }

    /// <summary>A message of pages moved out of the sender's memory.</summary>
    internal Message(TaskId from, int tag, MovedPayload payload)
    {
        From = from;
        Tag = tag;
        _payload = payload;
    }

    private Message(TaskId from, int tag, long value)
    {
        From = from;
        Tag = tag;
        _value = value;
    }

    /// <summary>A message of the 8 bytes of <paramref name="value"/>, little-endian.</summary>
    public static Message OfValue(TaskId from, int tag, long value) => new(from, tag, value);

    /// <summary>Selects any message in a receive.</summary>
    public const int AnyTag = -1;

    /// <summary>The tag of the message a monitor receives when the task it watches ends; the
    /// payload is the task id (i64), the <see cref="ExitKind"/> (i32) and the trap kind or -1 (i32),
    /// little-endian.</summary>
    public const int Down = -2;

    public TaskId From { get; }
    public int Tag { get; }

    /// <summary>The payload's length in bytes.</summary>
    public int Length => _payload switch
    {
        byte[] bytes => _value != 0 ? (int)_value : bytes.Length,
        MovedPayload moved => moved.Length,
        _ => sizeof(long),
    };

    /// <summary>The pages of a message sent with <c>send_move</c>; null for any other.</summary>
    internal MovedPayload? Moved => _payload as MovedPayload;

    /// <summary>The payload: a new array for a value message or moved pages.</summary>
    public byte[] Payload
    {
        get
        {
            if (_payload is byte[] bytes && _value == 0) return bytes;
            var copy = new byte[Length];
            CopyTo(copy);
            return copy;
        }
    }

    /// <summary>Gives back what the message holds beyond itself (a pooled array, moved pages not
    /// placed in a memory); called once by whoever takes the message, when it is read. Not
    /// releasing only costs the pool its array: the garbage collector frees everything.</summary>
    public void Release()
    {
        if (_payload is MovedPayload moved) moved.Pages.Dispose();
        else if (_payload is byte[] pooled && _value != 0) ArrayPool<byte>.Shared.Return(pooled);
    }

    /// <summary>Copies the payload's first bytes into <paramref name="destination"/>, as many as fit;
    /// returns how many.</summary>
    public int CopyTo(Span<byte> destination)
    {
        if (_payload is byte[] bytes)
        {
            int n = Math.Min(Length, destination.Length);
            bytes.AsSpan(0, n).CopyTo(destination);
            return n;
        }
        if (_payload is MovedPayload moved) return moved.CopyTo(destination);
        Span<byte> value = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(value, _value);
        int count = Math.Min(sizeof(long), destination.Length);
        value[..count].CopyTo(destination);
        return count;
    }

    /// <summary>The payload's first 8 bytes as a little-endian i64, zero-padded when shorter.</summary>
    public long FirstValue()
    {
        if (_payload is null) return _value;
        Span<byte> value = stackalloc byte[sizeof(long)];
        value.Clear();
        CopyTo(value);
        return BinaryPrimitives.ReadInt64LittleEndian(value);
    }

    /// <summary>Does this message match the tag a receive selects on?</summary>
    public bool Matches(int tag) => tag == AnyTag || tag == Tag;
}
