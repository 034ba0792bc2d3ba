using System.Runtime.InteropServices;
using Tessera.Platform.Memory;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// Whole host pages taken out of a linear memory by <see cref="Memory.DetachPages"/>, not copied:
/// a mapping of their own until <see cref="Memory.AttachPages"/> places them in a memory (the
/// same one or another) or they are disposed. The kernel moves a large message's bytes this way.
/// </summary>
/// <remarks>
/// A <see cref="SafeHandle"/>, so pages whose holder is dropped without disposing them (a message
/// in the mailbox of a task that died) are still freed, by the finalizer. Each live instance is
/// one kernel mapping, and a process has only <c>vm.max_map_count</c> of those (65,530 by
/// default), so at most <see cref="MaxLive"/> exist at once; past that
/// <see cref="Memory.DetachPages"/> answers null and the caller copies.
/// </remarks>
public sealed unsafe class DetachedPages : SafeHandle
{
    /// <summary>The most detached page ranges alive at once, across the process.</summary>
    public const int MaxLive = 8192;

    private static int s_live;

    private DetachedPages(nint address, nuint length)
        : base(0, ownsHandle: true)
    {
        SetHandle(address);
        Length = length;
    }

    /// <summary>How many exist now (not yet attached or freed).</summary>
    public static int Live => Volatile.Read(ref s_live);

    /// <summary>The pages' size in bytes: a whole number of host pages.</summary>
    public nuint Length { get; }

    public override bool IsInvalid => handle == 0;

    /// <summary>The bytes, for a receiver that cannot take the pages themselves and copies.</summary>
    public ReadOnlySpan<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed || IsInvalid, this);
            return new((void*)handle, (int)Length);
        }
    }

    /// <summary>Detaches [address, address + length) unless <see cref="MaxLive"/> ranges are
    /// already detached or the host cannot; null then.</summary>
    internal static DetachedPages? TryDetach(nint address, nuint length)
    {
        if (Interlocked.Increment(ref s_live) > MaxLive)
        {
            Interlocked.Decrement(ref s_live);
            return null;
        }
        nint pages = VirtualMemory.Detach(address, length);
        if (pages != 0) return new DetachedPages(pages, length);
        Interlocked.Decrement(ref s_live);
        return null;
    }

    /// <summary>Moves the pages over [address, address + Length); false (and the pages still
    /// here) when the host refuses.</summary>
    internal bool TryAttach(nint address)
    {
        ObjectDisposedException.ThrowIf(IsClosed || IsInvalid, this);
        try
        {
            VirtualMemory.Attach(handle, address, Length);
        }
        catch (VirtualMemoryException)
        {
            return false;
        }
        // The mapping is gone (it is the memory's now): nothing left to release.
        SetHandleAsInvalid();
        Interlocked.Decrement(ref s_live);
        return true;
    }

    protected override bool ReleaseHandle()
    {
        Interlocked.Decrement(ref s_live);
        try
        {
            VirtualMemory.Release(handle, Length);
            return true;
        }
        catch (VirtualMemoryException)
        {
            return false;
        }
    }
}
