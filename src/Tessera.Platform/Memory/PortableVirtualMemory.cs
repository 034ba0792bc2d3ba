using System.Runtime.InteropServices;

namespace Tessera.Platform.Memory;

/// <summary>
/// The fallback where no reservation calls are wired up: a reservation is an ordinary zeroed
/// allocation (so it is committed up front), decommitting zeroes, protection is not enforced
/// (Tessera's bounds checks do not rely on it) and images are copied rather than mapped.
/// </summary>
internal sealed unsafe class PortableVirtualMemory : IVirtualMemory
{
    private const nuint Alignment = 4096;

    public bool ReservesLazily => false;

    public nint Reserve(nuint length, PageAccess access)
    {
        void* p;
        try
        {
            p = NativeMemory.AlignedAlloc(length, Alignment);
        }
        catch (OutOfMemoryException)
        {
            throw new VirtualMemoryException("reserve", length, 0);
        }
        NativeMemory.Clear(p, length);
        return (nint)p;
    }

    public void Commit(nint address, nuint length) { }

    public void Decommit(nint address, nuint length) => NativeMemory.Clear((void*)address, length);

    public void Reset(nint address, nuint length, PageAccess access) => NativeMemory.Clear((void*)address, length);

    public void Protect(nint address, nuint length, PageAccess access) { }

    public void Release(nint address, nuint length) => NativeMemory.AlignedFree((void*)address);

    /// <summary>Pages cannot change owners here: callers copy.</summary>
    public nint Detach(nint address, nuint length) => 0;

    public void Attach(nint pages, nint address, nuint length) => throw new VirtualMemoryException("attach", length, 0);

    public IMemoryImageBacking CreateImage(nuint length) => new CopiedImage(length);

    private sealed class CopiedImage(nuint length) : IMemoryImageBacking
    {
        private byte[]? _bytes = new byte[length];

        public void Write(nuint offset, ReadOnlySpan<byte> bytes)
        {
            ObjectDisposedException.ThrowIf(_bytes is null, this);
            bytes.CopyTo(_bytes.AsSpan((int)offset));
        }

        public void MapInto(nint address, nuint length)
        {
            ObjectDisposedException.ThrowIf(_bytes is null, this);
            _bytes.AsSpan(0, (int)length).CopyTo(new Span<byte>((void*)address, (int)length));
        }

        public void Dispose() => _bytes = null;
    }
}
