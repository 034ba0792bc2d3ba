namespace Tessera.Kernel.Mailboxes;

/// <summary>What a mailbox says to a message offered to it.</summary>
public enum DeliveryResult : byte { Delivered, Full, Closed }

/// <summary>
/// A task's queue of messages, in arrival order, with selective receive: <see cref="TryTake"/>
/// removes the oldest message matching a tag and leaves the others in order (Erlang's receive).
/// Bounded: when it holds <see cref="Capacity"/> messages a new one is refused and the sender is told
/// (<see cref="DeliveryResult.Full"/>), so a flood costs the flooder, not the kernel's memory.
/// </summary>
/// <remarks>
/// Any thread may post; only the owning task takes. A lock, held for an array operation only, on
/// the mailbox itself: a lock object of its own would cost every task another 24 bytes, and no
/// code outside this class locks a mailbox.
/// Messages live in a ring of <see cref="Message"/> structs that grows by doubling and is dropped
/// when the mailbox empties after holding many, so an idle task holds no array at all. Taking the
/// oldest message (the usual receive) is O(1); taking a later match closes the gap by moving the
/// messages before it one place, the shorter side of the ring.
/// </remarks>
internal sealed class Mailbox(int capacity)
{
    /// <summary>A ring at most this long is kept when the mailbox empties.</summary>
    private const int KeptWhenEmpty = 8;

    private Message[] _ring = [];
    private int _head, _count;
    private bool _closed;

    public int Capacity { get; } = capacity;

    public int Count
    {
        get { lock (this) return _count; }
    }

    public DeliveryResult Post(Message message)
    {
        lock (this)
        {
            if (_closed) return DeliveryResult.Closed;
            // Kernel messages (monitors) are never refused: a full mailbox must still learn of a death.
            if (_count >= Capacity && message.Tag >= 0) return DeliveryResult.Full;
            if (_count == _ring.Length) Grow();
            _ring[Index(_count)] = message;
            _count++;
            return DeliveryResult.Delivered;
        }
    }

    /// <summary>Removes the oldest message matching <paramref name="tag"/> into
    /// <paramref name="message"/>; false when there is none.</summary>
    public bool TryTake(int tag, out Message message)
    {
        lock (this)
        {
            for (int i = 0; i < _count; i++)
            {
                ref var slot = ref _ring[Index(i)];
                if (!slot.Matches(tag)) continue;
                message = slot;
                RemoveAt(i);
                return true;
            }
            message = default;
            return false;
        }
    }

    /// <summary>Refuses every later message and drops those waiting: the owner has ended.</summary>
    public void Close()
    {
        lock (this)
        {
            _closed = true;
            for (int i = 0; i < _count; i++) _ring[Index(i)].Release();
            _ring = [];
            _head = _count = 0;
        }
    }

    private int Index(int i)
    {
        int index = _head + i;
        return index >= _ring.Length ? index - _ring.Length : index;
    }

    private void Grow()
    {
        var ring = new Message[Math.Max(4, _ring.Length * 2)];
        for (int i = 0; i < _count; i++) ring[i] = _ring[Index(i)];
        _ring = ring;
        _head = 0;
    }

    /// <summary>Removes the <paramref name="i"/>-th oldest message, moving the messages on the shorter
    /// side of it one place toward the gap.</summary>
    private void RemoveAt(int i)
    {
        if (i < _count - 1 - i)
        {
            for (int j = i; j > 0; j--) _ring[Index(j)] = _ring[Index(j - 1)];
            _ring[_head] = default;
            _head = _head + 1 == _ring.Length ? 0 : _head + 1;
        }
        else
        {
            for (int j = i; j < _count - 1; j++) _ring[Index(j)] = _ring[Index(j + 1)];
            _ring[Index(_count - 1)] = default;
        }
        _count--;
        if (_count == 0)
        {
            _head = 0;
            // A task that once queued many messages does not keep their array while it waits.
            if (_ring.Length > KeptWhenEmpty) _ring = [];
        }
    }
}
