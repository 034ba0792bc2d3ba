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
    public bool ReservesLazily => true;

    public nint Reserve(nuint length, PageAccess access)
    {
        nint address = mmap(0, length, Prot(access), MapPrivate | MapAnonymous | MapNoReserve, -1, 0);
        if (address == MapFailed) throw Failed("reserve", length);
        return address;
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

    public IMemoryImageBacking CreateImage(nuint length) => new MemfdImage(length);

    private static VirtualMemoryException Failed(string operation, nuint length) => new(operation, length, Marshal.GetLastSystemError());

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
