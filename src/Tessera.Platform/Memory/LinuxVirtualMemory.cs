using System.Runtime.InteropServices;
using static Tessera.Platform.Memory.LinuxMemoryCalls;

namespace Tessera.Platform.Memory;

/// <summary>
/// Virtual memory through mmap, mprotect and madvise. Reservations are private anonymous mappings
/// with MAP_NORESERVE, so untouched pages cost neither memory nor swap accounting; a page becomes
/// resident when first written and stops being resident when decommitted (MADV_DONTNEED).
/// </summary>
internal sealed unsafe class LinuxVirtualMemory : IVirtualMemory
{
    private const int EInval = 22;

    public bool ReservesLazily => true;

    /// <summary>A reservation of a large page or more starts on a large page boundary
    /// (<see cref="VirtualMemory.LargePageSize"/>): reserved that much longer, then trimmed.
    /// Linux 6.7 and later align large anonymous mappings themselves; older ones do not.</summary>
    public nint Reserve(nuint length, PageAccess access)
    {
        nuint align = VirtualMemory.LargePageSize;
        nuint padded = length >= align ? length + align : length;
        nint address = mmap(0, padded, Prot(access), MapPrivate | MapAnonymous | MapNoReserve, -1, 0);
        if (address == MapFailed) throw Failed("reserve", length);
        if (padded == length) return address;
        nint start = (nint)(((nuint)address + align - 1) & ~(align - 1));
        if (start > address) munmap(address, (nuint)(start - address));
        nint end = start + (nint)length, paddedEnd = address + (nint)padded;
        if (paddedEnd > end) munmap(end, (nuint)(paddedEnd - end));
        return start;
    }

    public void Commit(nint address, nuint length)
    {
        if (mprotect(address, length, ProtRead | ProtWrite) != 0) throw Failed("commit", length);
    }

    public void Decommit(nint address, nuint length)
    {
        if (madvise(address, length, MadvDontNeed) != 0) throw Failed("decommit", length);
    }

    /// <summary>Maps fresh anonymous pages over the range: unlike MADV_DONTNEED, this also drops a
    /// copy-on-write file mapping there (whose pages would otherwise read back as the file's).</summary>
    public void Reset(nint address, nuint length, PageAccess access)
    {
        nint result = mmap(address, length, Prot(access), MapPrivate | MapAnonymous | MapNoReserve | MapFixed, -1, 0);
        if (result == MapFailed) throw Failed("reset", length);
    }

    public void Protect(nint address, nuint length, PageAccess access)
    {
        if (mprotect(address, length, Prot(access)) != 0) throw Failed("protect", length);
    }

    public void Release(nint address, nuint length)
    {
        if (munmap(address, length) != 0) throw Failed("release", length);
    }

    /// <summary>1 once the host has refused MREMAP_DONTUNMAP (kernels before 5.7): moves are then
    /// not tried again.</summary>
    private static int s_detachUnsupported;

    /// <summary>Moves the range's page-table entries to a new mapping with MREMAP_DONTUNMAP: no
    /// byte is copied, and the source range stays mapped (nothing else can be placed there in
    /// between, as could happen in the hole a plain move leaves) with no pages, so it reads as
    /// zero. The source must be private anonymous memory (a reservation, not an image).</summary>
    public nint Detach(nint address, nuint length)
    {
        if (Volatile.Read(ref s_detachUnsupported) != 0) return 0;
        nint pages = mremap(address, length, length, MremapMayMove | MremapDontUnmap, 0);
        if (pages != MapFailed) return pages;
        if (Marshal.GetLastPInvokeError() == EInval) Volatile.Write(ref s_detachUnsupported, 1);
        return 0;
    }

    /// <summary>Moves detached pages over <paramref name="address"/> (MREMAP_FIXED replaces what
    /// was mapped there, its pages freed); the detached mapping is gone after. Linux unmaps the
    /// destination before some of its checks, so a failure can leave a hole there: it is filled
    /// with fresh zero pages before the error is thrown, and the caller's fallback copy lands in
    /// mapped memory.</summary>
    public void Attach(nint pages, nint address, nuint length)
    {
        nint result = mremap(pages, length, length, MremapMayMove | MremapFixed, address);
        if (result != MapFailed) return;
        var error = Failed("attach", length);
        Reset(address, length, PageAccess.ReadWrite);
        throw error;
    }

    public IMemoryImageBacking CreateImage(nuint length) => new MemfdImage(length);

    private static VirtualMemoryException Failed(string operation, nuint length) => new(operation, length, Marshal.GetLastPInvokeError());

    /// <summary>An image in an anonymous memory file (memfd), mapped privately: readers share the
    /// file's pages and a write copies only the page written.</summary>
    private sealed class MemfdImage : IMemoryImageBacking
    {
        private int _fd;

        public MemfdImage(nuint length)
        {
            byte* name = stackalloc byte[] { (byte)'t', (byte)'e', (byte)'s', (byte)'s', (byte)'e', (byte)'r', (byte)'a', 0 };
            _fd = memfd_create(name, MfdCloexec);
            if (_fd < 0) throw Failed("create image", length);
            if (ftruncate(_fd, (long)length) != 0)
            {
                var error = Failed("create image", length);
                close(_fd);
                throw error;
            }
        }

        public void Write(nuint offset, ReadOnlySpan<byte> bytes)
        {
            fixed (byte* p = bytes)
            {
                nuint done = 0;
                while (done < (nuint)bytes.Length)
                {
                    nint n = pwrite(_fd, p + done, (nuint)bytes.Length - done, (long)(offset + done));
                    if (n <= 0) throw Failed("write image", (nuint)bytes.Length);
                    done += (nuint)n;
                }
            }
        }

        public void MapInto(nint address, nuint length)
        {
            ObjectDisposedException.ThrowIf(_fd < 0, this);
            nint result = mmap(address, length, ProtRead | ProtWrite, MapPrivate | MapFixed, _fd, 0);
            if (result == MapFailed) throw Failed("map image", length);
        }

        public void Dispose()
        {
            if (_fd >= 0) close(_fd);
            _fd = -1;
        }
    }
}
