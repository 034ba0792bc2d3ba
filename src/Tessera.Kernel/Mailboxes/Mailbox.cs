namespace Tessera.Kernel.Mailboxes;

/// <summary>What a mailbox says to a message offered to it.</summary>
public enum DeliveryResult : byte { Delivered, Full, Closed }

/// <summary>
/// A task's queue of messages, in arrival order, with selective receive: <see cref="TryTake"/>
/// removes the oldest message matching a tag and leaves the others in order (Erlang's receive).
/// Bounded: when it holds <see cref="Capacity"/> messages a new one is refused and the sender is told
/// (<see cref="DeliveryResult.Full"/>), so a flood costs the flooder, not the kernel's memory.
/// </summary>
/// <remarks>Any thread may post; only the owning task takes. A lock, held for a list operation only.</remarks>
public sealed class Mailbox(int capacity)
{
    private readonly LinkedList<Message> _messages = new();
    private bool _closed;

    public int Capacity { get; } = capacity;

    public int Count
    {
        get { lock (_messages) return _messages.Count; }
    }

    public DeliveryResult Post(Message message)
    {
        lock (_messages)
        {
            if (_closed) return DeliveryResult.Closed;
            // Kernel messages (monitors) are never refused: a full mailbox must still learn of a death.
            if (_messages.Count >= Capacity && message.Tag >= 0) return DeliveryResult.Full;
            _messages.AddLast(message);
            return DeliveryResult.Delivered;
        }
    }

    /// <summary>Removes and returns the oldest message matching <paramref name="tag"/>, if any.</summary>
    public Message? TryTake(int tag)
    {
        lock (_messages)
        {
            for (var node = _messages.First; node is not null; node = node.Next)
            {
                if (!node.Value.Matches(tag)) continue;
                _messages.Remove(node);
                return node.Value;
            }
            return null;
        }
    }

    /// <summary>Refuses every later message and drops those waiting: the owner has ended.</summary>
    public void Close()
    {
        lock (_messages)
        {
            _closed = true;
            _messages.Clear();
        }
    }
}
