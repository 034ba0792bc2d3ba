using Tessera.Wasi.Abi;
using Tessera.Wasi.Memory;
using Tessera.Wasi.Poll;
using Tessera.Wasi.Sockets;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasi.Files;

/// <summary>The fd_* functions except fd_readdir (<see cref="DirectoryListing"/>): each checks the
/// descriptor (<see cref="Errno.BadF"/>), then its rights (<see cref="Errno.NotCapable"/>), then acts.</summary>
internal static class FdFunctions
{
    public static Errno Advise(WasiContext ctx, int fd, long offset, long length, int advice)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(Rights.FdAdvise);
        if ((uint)advice > (uint)Advice.NoReuse) return Errno.Inval;
        if (offset < 0 || length < 0) return Errno.Inval;
        d.Advise(offset, length, (Advice)advice);
        return Errno.Success;
    }

    public static Errno Allocate(WasiContext ctx, int fd, long offset, long length)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(Rights.FdAllocate);
        d.Allocate(offset, length);
        return Errno.Success;
    }

    public static Errno Close(WasiContext ctx, int fd)
    {
        ctx.Descriptors.Remove(fd).Close();
        return Errno.Success;
    }

    public static Errno Datasync(WasiContext ctx, int fd)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(Rights.FdDatasync);
        d.DataSync();
        return Errno.Success;
    }

    public static Errno Sync(WasiContext ctx, int fd)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(Rights.FdSync);
        d.Sync();
        return Errno.Success;
    }

    public static Errno FdstatGet(WasiContext ctx, GuestMemory memory, int fd, int resultOut)
    {
        var d = ctx.Descriptors.Get(fd);
        var b = memory.Slice(resultOut, Layouts.FdstatSize);
        var flags = d.Flags;
        b.Clear();
        b[0] = (byte)d.Type;
        BitConverter.TryWriteBytes(b[2..], (ushort)flags);
        BitConverter.TryWriteBytes(b[8..], (ulong)d.Base);
        BitConverter.TryWriteBytes(b[16..], (ulong)d.Inheriting);
        return Errno.Success;
    }

    public static Errno FdstatSetFlags(WasiContext ctx, int fd, int flags)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(Rights.FdFdstatSetFlags);
        if ((flags & ~0x1f) != 0) return Errno.Inval;
        d.SetFlags((FdFlags)flags);
        return Errno.Success;
    }

    /// <summary>Rights can only shrink: asking for one the descriptor lacks is NotCapable.</summary>
    public static Errno FdstatSetRights(WasiContext ctx, int fd, long rightsBase, long rightsInheriting)
    {
        var d = ctx.Descriptors.Get(fd);
        var newBase = (Rights)(ulong)rightsBase;
        var newInheriting = (Rights)(ulong)rightsInheriting;
        if ((newBase & ~d.Base) != 0 || (newInheriting & ~d.Inheriting) != 0) return Errno.NotCapable;
        d.Base = newBase;
        d.Inheriting = newInheriting;
        return Errno.Success;
    }

    public static Errno FilestatGet(WasiContext ctx, GuestMemory memory, int fd, int resultOut)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(Rights.FdFilestatGet);
        memory.Slice(resultOut, Layouts.FilestatSize);
        d.Stat().WriteTo(memory.Slice(resultOut, Layouts.FilestatSize));
        return Errno.Success;
    }

    public static Errno FilestatSetSize(WasiContext ctx, int fd, long size)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(Rights.FdFilestatSetSize);
        d.SetSize(size);
        return Errno.Success;
    }

    public static Errno FilestatSetTimes(WasiContext ctx, int fd, long access, long modify, int fstFlags)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(Rights.FdFilestatSetTimes);
        var (a, aNow, m, mNow) = Times(access, modify, fstFlags);
        d.SetTimes(a, aNow, m, mNow);
        return Errno.Success;
    }

    /// <summary>Reads <c>$fstflags</c>: setting a time both to a value and to now is EINVAL.</summary>
    public static (long?, bool, long?, bool) Times(long access, long modify, int fstFlags)
    {
        var flags = (FstFlags)fstFlags;
        if ((fstFlags & ~0xf) != 0) throw new WasiException(Errno.Inval);
        if ((flags & (FstFlags.Atim | FstFlags.AtimNow)) == (FstFlags.Atim | FstFlags.AtimNow)) throw new WasiException(Errno.Inval);
        if ((flags & (FstFlags.Mtim | FstFlags.MtimNow)) == (FstFlags.Mtim | FstFlags.MtimNow)) throw new WasiException(Errno.Inval);
        if (access < 0 && (flags & FstFlags.Atim) != 0 || modify < 0 && (flags & FstFlags.Mtim) != 0) throw new WasiException(Errno.Inval);
        return ((flags & FstFlags.Atim) != 0 ? access : null, (flags & FstFlags.AtimNow) != 0,
                (flags & FstFlags.Mtim) != 0 ? modify : null, (flags & FstFlags.MtimNow) != 0);
    }

    /// <summary>fd_read; on a connection, a receive that waits through <paramref name="waiter"/>.</summary>
    public static Errno Read(WasiContext ctx, IWasiWaiter waiter, Caller caller, GuestMemory memory, int fd, int iovs, int iovsLength, int resultOut)
    {
        var progress = waiter.Begin(caller);
        var d = ctx.Descriptors.Get(fd);
        d.Require(Rights.FdRead);
        if (d is SocketDescriptor socket) return SocketFunctions.Read(socket, waiter, caller, progress, memory, iovs, iovsLength, resultOut);
        var buffers = memory.ReadIovecs(iovs, iovsLength);
        memory.Slice(resultOut, 4);
        long total = 0;
        for (int i = 0; i < buffers.Count; i++)
        {
            var (pointer, length) = buffers[i];
            if (length == 0) continue;
            int n = d.Read(memory.Slice(pointer, length));
            total += n;
            // A short read means no more is available now; reading on could block.
            if (n < length) break;
        }
        memory.WriteU32(resultOut, (uint)total);
        return Errno.Success;
    }

    public static Errno Pread(WasiContext ctx, GuestMemory memory, int fd, int iovs, int iovsLength, long offset, int resultOut)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(Rights.FdRead | Rights.FdSeek);
        return Positioned(memory, iovs, iovsLength, resultOut, (buffer, at) => d.ReadAt(buffer, offset + at));
    }

    /// <summary>fd_write; on a connection, a send that waits through <paramref name="waiter"/>.</summary>
    public static Errno Write(WasiContext ctx, IWasiWaiter waiter, Caller caller, GuestMemory memory, int fd, int iovs, int iovsLength, int resultOut)
    {
        var progress = waiter.Begin(caller);
        var d = ctx.Descriptors.Get(fd);
        d.Require(Rights.FdWrite);
        if (d is SocketDescriptor socket) return SocketFunctions.Write(socket, waiter, caller, progress, memory, iovs, iovsLength, resultOut);
        var buffers = memory.ReadIovecs(iovs, iovsLength);
        memory.Slice(resultOut, 4);
        long total = 0;
        for (int i = 0; i < buffers.Count; i++)
        {
            var (pointer, length) = buffers[i];
            if (length == 0) continue;
            int n;
            try
            {
                n = d.Write(memory.Slice(pointer, length));
            }
            catch (WasiException) when (total > 0)
            {
                // Some bytes were written: report them; the error comes back on the next write.
                break;
            }
            total += n;
            if (n < length) break;
        }
        memory.WriteU32(resultOut, (uint)total);
        return Errno.Success;
    }

    public static Errno Pwrite(WasiContext ctx, GuestMemory memory, int fd, int iovs, int iovsLength, long offset, int resultOut)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(Rights.FdWrite | Rights.FdSeek);
        return Positioned(memory, iovs, iovsLength, resultOut, (buffer, at) => d.WriteAt(buffer, offset + at));
    }

    /// <summary>fd_pread and fd_pwrite: each iovec in turn at the offset plus what was moved so far,
    /// stopping at a short transfer; the total goes to <paramref name="resultOut"/>.</summary>
    private static Errno Positioned(GuestMemory memory, int iovs, int iovsLength, int resultOut, Func<Span<byte>, long, int> transfer)
    {
        var buffers = memory.ReadIovecs(iovs, iovsLength);
        memory.Slice(resultOut, 4);
        long total = 0;
        for (int i = 0; i < buffers.Count; i++)
        {
            var (pointer, length) = buffers[i];
            if (length == 0) continue;
            int n = transfer(memory.Slice(pointer, length), total);
            total += n;
            if (n < length) break;
        }
        memory.WriteU32(resultOut, (uint)total);
        return Errno.Success;
    }

    public static Errno PrestatGet(WasiContext ctx, GuestMemory memory, int fd, int resultOut)
    {
        if (ctx.Descriptors.Get(fd) is not HostDescriptor { PreopenName: { } name }) return Errno.BadF;
        var b = memory.Slice(resultOut, Layouts.PrestatSize);
        b.Clear();
        b[0] = (byte)PreopenType.Dir;
        BitConverter.TryWriteBytes(b[4..], (uint)name.Length);
        return Errno.Success;
    }

    /// <summary>The name is copied without a NUL; a buffer shorter than it is ENAMETOOLONG.</summary>
    public static Errno PrestatDirName(WasiContext ctx, GuestMemory memory, int fd, int path, int pathLength)
    {
        if (ctx.Descriptors.Get(fd) is not HostDescriptor { PreopenName: { } name }) return Errno.BadF;
        var b = memory.Slice(path, pathLength);
        if (b.Length < name.Length) return Errno.NameTooLong;
        name.CopyTo(b);
        return Errno.Success;
    }

    public static Errno Renumber(WasiContext ctx, int from, int to)
    {
        ctx.Descriptors.Renumber(from, to);
        return Errno.Success;
    }

    /// <summary>Seeking needs fd_seek, except asking for the position (offset 0 from the current
    /// position), which fd_tell allows, as fd_tell itself is that call.</summary>
    public static Errno Seek(WasiContext ctx, GuestMemory memory, int fd, long offset, int whence, int resultOut)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(offset == 0 && whence == (int)Whence.Cur ? Rights.FdTell : Rights.FdSeek);
        if ((uint)whence > (uint)Whence.End) return Errno.Inval;
        memory.Slice(resultOut, 8);
        memory.WriteU64(resultOut, (ulong)d.Seek(offset, (Whence)whence));
        return Errno.Success;
    }

    public static Errno Tell(WasiContext ctx, GuestMemory memory, int fd, int resultOut)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(Rights.FdTell);
        memory.Slice(resultOut, 8);
        memory.WriteU64(resultOut, (ulong)d.Seek(0, Whence.Cur));
        return Errno.Success;
    }
}
