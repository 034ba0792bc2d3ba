using System.Buffers.Binary;
using Tessera.Kernel.Tasks;

namespace Tessera.Kernel.Mailboxes;

/// <summary>
/// A message: bytes copied out of the sender's memory (share nothing), the sender, and a tag the
/// receiver can select on. Tags at or above zero are the guest's; negative tags are the kernel's
/// (<see cref="Down"/>).
/// </summary>
/// <remarks>
/// A struct, held in the mailbox's own array: a queued message costs no object of its own, and a
/// value message (<see cref="OfValue"/>, what <c>send_value</c> sends) carries its 8 bytes inline,
/// so it costs no allocation at all. A mailbox holding 100,000 messages is then one array for the
/// garbage collector to move rather than 300,000 objects (docs/benchmarks.md, Tasks).
/// </remarks>
public readonly struct Message
{
    private readonly byte[]? _bytes;
    private readonly long _value;

    /// <summary>A message of <paramref name="payload"/>, which the message now owns.</summary>
    public Message(TaskId from, int tag, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        From = from;
        Tag = tag;
        _bytes = payload;
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
    public int Length => _bytes?.Length ?? sizeof(long);

    /// <summary>The payload: a new array for a value message.</summary>
    public byte[] Payload
    {
        get
        {
            if (_bytes is not null) return _bytes;
            var bytes = new byte[sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, _value);
            return bytes;
        }
    }

    /// <summary>Copies the payload's first bytes into <paramref name="destination"/>, as many as fit;
    /// returns how many.</summary>
    public int CopyTo(Span<byte> destination)
    {
        if (_bytes is not null)
        {
            int n = Math.Min(_bytes.Length, destination.Length);
            _bytes.AsSpan(0, n).CopyTo(destination);
            return n;
        }
        Span<byte> value = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(value, _value);
        int count = Math.Min(sizeof(long), destination.Length);
        value[..count].CopyTo(destination);
        return count;
    }

    /// <summary>The payload's first 8 bytes as a little-endian i64, zero-padded when shorter.</summary>
    public long FirstValue()
    {
        if (_bytes is null) return _value;
        Span<byte> value = stackalloc byte[sizeof(long)];
        value.Clear();
        _bytes.AsSpan(0, Math.Min(sizeof(long), _bytes.Length)).CopyTo(value);
        return BinaryPrimitives.ReadInt64LittleEndian(value);
    }

    /// <summary>Does this message match the tag a receive selects on?</summary>
    public bool Matches(int tag) => tag == AnyTag || tag == Tag;
}
