using Tessera.Platform.Files;
using Tessera.Wasi.Abi;
using Tessera.Wasi.Memory;

namespace Tessera.Wasi.Files;

/// <summary>
/// The path_* functions. Each resolves its path through <see cref="PathResolver"/> (the sandbox)
/// to a directory handle and one name, then makes one descriptor-relative host call that follows
/// no links.
/// </summary>
internal static class PathFunctions
{
    /// <summary>The directory descriptor <paramref name="fd"/> with <paramref name="rights"/>.</summary>
    private static HostDescriptor Directory(WasiContext ctx, int fd, Rights rights)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(rights);
        return d is HostDescriptor { Type: FileType.Directory } dir ? dir : throw new WasiException(Errno.NotDir);
    }

    private static bool Follow(int lookupFlags) => ((LookupFlags)(uint)lookupFlags & LookupFlags.SymlinkFollow) != 0;

    public static Errno CreateDirectory(WasiContext ctx, GuestMemory memory, int fd, int path, int pathLength)
    {
        var dir = Directory(ctx, fd, Rights.PathCreateDirectory);
        using var r = PathResolver.Resolve(dir.Fd, memory.ReadPath(path, pathLength), followLast: false);
        HostDescriptor.Check(HostFiles.MakeDirectoryAt(r.Directory, r.Name));
        return Errno.Success;
    }

    public static Errno FilestatGet(WasiContext ctx, GuestMemory memory, int fd, int flags, int path, int pathLength, int resultOut)
    {
        var dir = Directory(ctx, fd, Rights.PathFilestatGet);
        using var r = PathResolver.Resolve(dir.Fd, memory.ReadPath(path, pathLength), Follow(flags));
        memory.Slice(resultOut, Layouts.FilestatSize);
        HostDescriptor.Check(HostFiles.StatAt(r.Directory, r.Name, follow: false, out var status));
        if (r.TrailingSlash && status.Kind != HostFileKind.Directory) return Errno.NotDir;
        Filestat.From(status).WriteTo(memory.Slice(resultOut, Layouts.FilestatSize));
        return Errno.Success;
    }

    public static Errno FilestatSetTimes(WasiContext ctx, GuestMemory memory, int fd, int flags, int path, int pathLength, long access, long modify, int fstFlags)
    {
        var dir = Directory(ctx, fd, Rights.PathFilestatSetTimes);
        var (a, aNow, m, mNow) = FdFunctions.Times(access, modify, fstFlags);
        using var r = PathResolver.Resolve(dir.Fd, memory.ReadPath(path, pathLength), Follow(flags));
        HostDescriptor.Check(HostFiles.SetTimesAt(r.Directory, r.Name, follow: false, a, aNow, m, mNow));
        return Errno.Success;
    }

    public static Errno Link(WasiContext ctx, GuestMemory memory, int oldFd, int oldFlags, int oldPath, int oldPathLength, int newFd, int newPath, int newPathLength)
    {
        var source = Directory(ctx, oldFd, Rights.PathLinkSource);
        var target = Directory(ctx, newFd, Rights.PathLinkTarget);
        using var from = PathResolver.Resolve(source.Fd, memory.ReadPath(oldPath, oldPathLength), Follow(oldFlags));
        using var to = PathResolver.Resolve(target.Fd, memory.ReadPath(newPath, newPathLength), followLast: false);
        if (to.TrailingSlash) return Errno.NoEnt;
        // Linking a symbolic link without following it copies the link: the copy must pass the
        // rule path_symlink applies to links the guest makes, judged where the copy is made, or a
        // link the host planted (say to /etc) would be carried to places the guest chooses.
        // Closed on failure: only "not a link" (EINVAL) lets a name through unread.
        int read = HostFiles.ReadLinkAt(from.Directory, from.Name, out var linked);
        if (read == 0 && LinkTargetError(linked, to.Depth) is { } refused) return refused;
        if (read < 0 && read != -HostErrno.EINVAL) return HostErrors.FromResult(read);
        HostDescriptor.Check(HostFiles.LinkAt(from.Directory, from.Name, to.Directory, to.Name));
        return Errno.Success;
    }

    /// <summary>
    /// path_open. The rights granted are those asked for that the directory may hand on
    /// (<c>fs_rights_inheriting</c>) and that make sense for what was opened; asking to read or
    /// write where the directory cannot grant it is NotCapable, so a read-only preopen refuses to
    /// open for writing instead of handing out a descriptor every write to which would fail.
    /// </summary>
    public static Errno Open(WasiContext ctx, GuestMemory memory, int fd, int dirFlags, int path, int pathLength,
        int oflags, long rightsBase, long rightsInheriting, int fdFlags, int resultOut)
    {
        var dir = Directory(ctx, fd, Rights.PathOpen);
        if ((oflags & ~0xf) != 0 || (fdFlags & ~0x1f) != 0) return Errno.Inval;
        var o = (OFlags)oflags;
        var f = (FdFlags)fdFlags;
        var requested = (Rights)(ulong)rightsBase;
        var requestedInheriting = (Rights)(ulong)rightsInheriting;
        if ((o & OFlags.Creat) != 0) dir.Require(Rights.PathCreateFile);
        if ((o & OFlags.Trunc) != 0) dir.Require(Rights.PathFilestatSetSize);
        var io = requested & (Rights.FdRead | Rights.FdWrite);
        if ((io & ~dir.Inheriting) != 0) return Errno.NotCapable;
        // The host descriptor is opened for writing exactly when fd_write is asked for (wasi-libc
        // and Rust's std ask for it for O_WRONLY / O_RDWR and never otherwise). A directory cannot
        // be opened for writing, with O_DIRECTORY or without: the host's EISDIR is the answer, as
        // open(2) gives for O_DIRECTORY | O_RDWR and wasi-testsuite's path_open_preopen expects.
        bool write = (requested & Rights.FdWrite) != 0;
        if ((f & FdFlags.Dsync) != 0 && (dir.Inheriting & Rights.FdDatasync) == 0) return Errno.NotCapable;
        if ((f & (FdFlags.Sync | FdFlags.Rsync)) != 0 && (dir.Inheriting & Rights.FdSync) == 0) return Errno.NotCapable;

        var host = OpenFlags.NoFollow | OpenFlags.Read;
        if (write) host |= OpenFlags.Write;
        if ((o & OFlags.Creat) != 0) host |= OpenFlags.Create;
        if ((o & OFlags.Excl) != 0) host |= OpenFlags.Exclusive;
        if ((o & OFlags.Trunc) != 0) host |= OpenFlags.Truncate;
        if ((o & OFlags.Directory) != 0) host |= OpenFlags.Directory;
        if ((f & FdFlags.Append) != 0) host |= OpenFlags.Append;
        if ((f & FdFlags.NonBlock) != 0) host |= OpenFlags.NonBlocking;
        if ((f & FdFlags.Dsync) != 0) host |= OpenFlags.DataSync;
        if ((f & FdFlags.Sync) != 0) host |= OpenFlags.Sync;
        if ((f & FdFlags.Rsync) != 0) host |= OpenFlags.ReadSync;

        var bytes = memory.ReadPath(path, pathLength);
        memory.Slice(resultOut, 4);
        ctx.Descriptors.EnsureRoom();
        // O_CREAT | O_EXCL never follows a link, as POSIX says; otherwise follow when asked.
        bool follow = Follow(dirFlags) && (o & (OFlags.Creat | OFlags.Excl)) != (OFlags.Creat | OFlags.Excl);
        using var r = PathResolver.Resolve(dir.Fd, bytes, follow);
        if (r.TrailingSlash) host |= OpenFlags.Directory;
        int opened = HostFiles.OpenAt(r.Directory, r.Name, host);
        if (opened < 0) return HostErrors.FromResult(opened);
        if (HostFiles.Stat(opened, out var status) < 0)
        {
            _ = HostFiles.Close(opened);
            return Errno.Io;
        }
        var type = FileTypes.Of(status.Kind);
        var possible = type switch
        {
            FileType.Directory => RightSets.Directory,
            FileType.RegularFile => RightSets.RegularFile,
            _ => RightSets.Stream,
        };
        var granted = requested & dir.Inheriting & possible;
        if (!write) granted &= ~(Rights.FdWrite | Rights.FdAllocate | Rights.FdFilestatSetSize);
        var descriptor = new HostDescriptor(opened, type, owned: true)
        {
            Base = granted,
            Inheriting = requestedInheriting & dir.Inheriting,
        };
        memory.WriteU32(resultOut, (uint)ctx.Descriptors.Add(descriptor));
        return Errno.Success;
    }

    /// <summary>Copies at most <paramref name="bufferLength"/> bytes of the target, without a NUL,
    /// cutting it short like POSIX readlink.</summary>
    public static Errno Readlink(WasiContext ctx, GuestMemory memory, int fd, int path, int pathLength, int buffer, int bufferLength, int resultOut)
    {
        var dir = Directory(ctx, fd, Rights.PathReadlink);
        using var r = PathResolver.Resolve(dir.Fd, memory.ReadPath(path, pathLength), followLast: false);
        var output = memory.Slice(buffer, bufferLength);
        memory.Slice(resultOut, 4);
        HostDescriptor.Check(HostFiles.ReadLinkAt(r.Directory, r.Name, out var target));
        int n = Math.Min(target.Length, output.Length);
        target.AsSpan(0, n).CopyTo(output);
        memory.WriteU32(resultOut, (uint)n);
        return Errno.Success;
    }

    public static Errno RemoveDirectory(WasiContext ctx, GuestMemory memory, int fd, int path, int pathLength)
    {
        var dir = Directory(ctx, fd, Rights.PathRemoveDirectory);
        using var r = PathResolver.Resolve(dir.Fd, memory.ReadPath(path, pathLength), followLast: false);
        HostDescriptor.Check(HostFiles.UnlinkAt(r.Directory, r.Name, directory: true));
        return Errno.Success;
    }

    public static Errno Rename(WasiContext ctx, GuestMemory memory, int fd, int oldPath, int oldPathLength, int newFd, int newPath, int newPathLength)
    {
        var source = Directory(ctx, fd, Rights.PathRenameSource);
        var target = Directory(ctx, newFd, Rights.PathRenameTarget);
        using var from = PathResolver.Resolve(source.Fd, memory.ReadPath(oldPath, oldPathLength), followLast: false);
        using var to = PathResolver.Resolve(target.Fd, memory.ReadPath(newPath, newPathLength), followLast: false);
        if (from.TrailingSlash || to.TrailingSlash)
        {
            // "a/" names a directory: renaming a file through it is ENOTDIR, as rename(2) says.
            HostDescriptor.Check(HostFiles.StatAt(from.Directory, from.Name, follow: false, out var status));
            if (status.Kind != HostFileKind.Directory) return Errno.NotDir;
        }
        HostDescriptor.Check(HostFiles.RenameAt(from.Directory, from.Name, to.Directory, to.Name));
        return Errno.Success;
    }

    /// <summary>
    /// Creates a link holding <paramref name="oldPath"/> verbatim. The sandbox never follows a link
    /// out, but the host's own users might, so a target that is absolute or climbs above the
    /// directory descriptor the link is made through is NotCapable: links the guest makes point
    /// inside what it was given.
    /// </summary>
    public static Errno Symlink(WasiContext ctx, GuestMemory memory, int oldPath, int oldPathLength, int fd, int newPath, int newPathLength)
    {
        var dir = Directory(ctx, fd, Rights.PathSymlink);
        var target = memory.ReadPath(oldPath, oldPathLength);
        using var r = PathResolver.Resolve(dir.Fd, memory.ReadPath(newPath, newPathLength), followLast: false);
        if (LinkTargetError(target, r.Depth) is { } refused) return refused;
        if (r.TrailingSlash) return Errno.NoEnt;
        HostDescriptor.Check(HostFiles.SymlinkAt(target, r.Directory, r.Name));
        return Errno.Success;
    }

    /// <summary>
    /// Why a link holding <paramref name="target"/>, made <paramref name="depth"/> directories
    /// below the descriptor it is made through, may not be made (null when it may): empty is
    /// NoEnt, absolute or climbing above that descriptor is NotCapable. path_symlink and path_link
    /// both ask, so the guest cannot get by one a link the other refuses.
    /// </summary>
    private static Errno? LinkTargetError(ReadOnlySpan<byte> target, int depth)
    {
        if (target.Length == 0) return Errno.NoEnt;
        if (target[0] == (byte)'/') return Errno.NotCapable;
        foreach (var range in target.Split((byte)'/'))
        {
            var component = target[range];
            if (component.SequenceEqual(".."u8))
            {
                if (--depth < 0) return Errno.NotCapable;
            }
            else if (component.Length > 0 && !component.SequenceEqual("."u8))
            {
                depth++;
            }
        }
        return null;
    }

    public static Errno UnlinkFile(WasiContext ctx, GuestMemory memory, int fd, int path, int pathLength)
    {
        var dir = Directory(ctx, fd, Rights.PathUnlinkFile);
        using var r = PathResolver.Resolve(dir.Fd, memory.ReadPath(path, pathLength), followLast: false);
        if (r.TrailingSlash)
        {
            HostDescriptor.Check(HostFiles.StatAt(r.Directory, r.Name, follow: false, out var status));
            return status.Kind == HostFileKind.Directory ? Errno.IsDir : Errno.NotDir;
        }
        HostDescriptor.Check(HostFiles.UnlinkAt(r.Directory, r.Name, directory: false));
        return Errno.Success;
    }
}
