using Tessera.Wasm.Runtime;

namespace Tessera.Kernel.Mailboxes;

/// <summary>
/// The payload of a message sent with <c>send_move</c>: the sender's whole pages, detached from
/// its memory rather than copied (<see cref="Pages"/>), and the bytes before and after them, which
/// do not fill a page, copied (<see cref="Head"/>, <see cref="Tail"/>). A receive places the pages
/// in the receiver's memory when its buffer lines up with them, and copies otherwise.
/// </summary>
internal sealed class MovedPayload(byte[] head, DetachedPages pages, byte[] tail)
{
    public byte[] Head { get; } = head;
    public DetachedPages Pages { get; } = pages;
    public byte[] Tail { get; } = tail;

    public int Length => Head.Length + (int)Pages.Length + Tail.Length;

    /// <summary>Copies the first bytes into <paramref name="destination"/>, as many as fit.</summary>
    public int CopyTo(Span<byte> destination)
    {
        int done = Copy(Head, destination);
        done += Copy(Pages.Span, destination[done..]);
        done += Copy(Tail, destination[done..]);
        return done;
    }

    private static int Copy(ReadOnlySpan<byte> from, Span<byte> to)
    {
        int n = Math.Min(from.Length, to.Length);
        from[..n].CopyTo(to);
        return n;
    }

    /// <summary>Moves the whole payload into <paramref name="memory"/> at <paramref name="offset"/>:
    /// the pages by attaching them, head and tail by copying. False, with nothing written, when the
    /// pages would not start at a multiple of <paramref name="unit"/> there (attaching them at any
    /// other page would be correct, but slower than copying) or the host refuses; the caller
    /// copies then.</summary>
    public bool TryPlace(Memory memory, int offset, int unit)
    {
        long pagesAt = (long)(uint)offset + Head.Length;
        if (pagesAt % unit != 0) return false;
        if (!memory.AttachPages(Pages, pagesAt)) return false;
        var span = memory.Span;
        Head.CopyTo(span[(int)(uint)offset..]);
        Tail.CopyTo(span[(int)(pagesAt + (long)Pages.Length)..]);
        return true;
    }
}
