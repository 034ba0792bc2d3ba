using System.Runtime.InteropServices;

namespace Tessera.Platform.Files;

/// <summary>
/// Files through descriptor-relative system calls (openat, statx, mkdirat, ...), so a caller that
/// holds a directory handle can act on one name inside it without the host ever walking a path.
/// That is what a race-free sandbox needs: every name passed here is a single path component, and
/// <see cref="OpenFlags.NoFollow"/> keeps the host from following a symbolic link the caller has
/// not inspected.
/// </summary>
/// <remarks>
/// Results follow the system call convention: a non-negative value on success, or minus the host's
/// error number (Linux numbering, <see cref="HostErrno"/>). Linux only for now; elsewhere every
/// call returns <c>-ENOSYS</c>.
/// </remarks>
public static unsafe class HostFiles
{
    private const int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;
    private const uint STATX_BASIC_STATS = 0x7ff;
    private const int F_GETFL = 3, F_SETFL = 4;
    private const long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;
    /// <summary>The directory handle meaning "the process's current directory" (AT_FDCWD), for
    /// opening the roots a sandbox starts from.</summary>
    public const int CurrentDirectory = -100;

    /// <summary>Linux's PATH_MAX: a link's target is at most this long with its NUL.</summary>
    private const int PathMax = HostName.MaxLength + 1;

    /// <summary>Opens <paramref name="name"/> in the directory <paramref name="dir"/>; returns the new descriptor.</summary>
    public static int OpenAt(int dir, ReadOnlySpan<byte> name, OpenFlags flags, int mode = 0x1b6 /* 0666 */)
    {
        if (!OperatingSystem.IsLinux()) return -HostErrno.ENOSYS;
        Span<byte> stack = stackalloc byte[HostName.StackLength];
        using var z = HostName.From(name, stack);
        if (z.Error != 0) return z.Error;
        fixed (byte* p = z.Terminated) return Check(Posix.openat(dir, p, LinuxOpenFlags.ToLinux(flags), mode));
    }

    public static int Close(int fd) => OperatingSystem.IsLinux() ? Check(Posix.close(fd)) : -HostErrno.ENOSYS;

    public static long Read(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer) return Check(Posix.read(fd, p, (nuint)buffer.Length));
    }

    public static long Write(int fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer) return Check(Posix.write(fd, p, (nuint)buffer.Length));
    }

    public static long ReadAt(int fd, Span<byte> buffer, long offset)
    {
        fixed (byte* p = buffer) return Check(Posix.pread(fd, p, (nuint)buffer.Length, offset));
    }

    public static long WriteAt(int fd, ReadOnlySpan<byte> buffer, long offset)
    {
        fixed (byte* p = buffer) return Check(Posix.pwrite(fd, p, (nuint)buffer.Length, offset));
    }

    /// <summary>lseek: <paramref name="whence"/> is 0 (set), 1 (current) or 2 (end); returns the new offset.</summary>
    public static long Seek(int fd, long offset, int whence)
    {
        long r = Posix.lseek(fd, offset, whence);
        return r < 0 ? -Marshal.GetLastPInvokeError() : r;
    }

    public static int Sync(int fd) => Check(Posix.fsync(fd));
    public static int DataSync(int fd) => Check(Posix.fdatasync(fd));
    public static int Truncate(int fd, long length) => Check(Posix.ftruncate(fd, length));
    public static int Advise(int fd, long offset, long length, int advice) => -Posix.posix_fadvise(fd, offset, length, advice);
    public static int Allocate(int fd, long offset, long length) => -Posix.posix_fallocate(fd, offset, length);

    /// <summary>The changeable status flags of an open descriptor (append, non-blocking, sync).</summary>
    public static int GetStatusFlags(int fd, out OpenFlags flags)
    {
        int r = Posix.fcntl(fd, F_GETFL, 0);
        flags = r < 0 ? OpenFlags.None : LinuxOpenFlags.FromStatus(r);
        return r < 0 ? -Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>Sets append and non-blocking; other flags cannot change after open on Linux.</summary>
    public static int SetStatusFlags(int fd, OpenFlags flags)
    {
        int r = Posix.fcntl(fd, F_GETFL, 0);
        if (r < 0) return -Marshal.GetLastPInvokeError();
        return Check(Posix.fcntl(fd, F_SETFL, (r & ~LinuxOpenFlags.StatusFlagsChangeable) | LinuxOpenFlags.StatusOf(flags)));
    }

    /// <summary>Metadata of the open descriptor <paramref name="fd"/> (which may be an O_PATH handle).</summary>
    public static int Stat(int fd, out FileStatus status) => StatAt(fd, [], AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, out status);

    /// <summary>Metadata of <paramref name="name"/> in <paramref name="dir"/>, of the link itself unless <paramref name="follow"/>.</summary>
    public static int StatAt(int dir, ReadOnlySpan<byte> name, bool follow, out FileStatus status) =>
        StatAt(dir, name, follow ? 0 : AT_SYMLINK_NOFOLLOW, out status);

    private static int StatAt(int dir, ReadOnlySpan<byte> name, int flags, out FileStatus status)
    {
        status = default;
        if (!OperatingSystem.IsLinux()) return -HostErrno.ENOSYS;
        Span<byte> stack = stackalloc byte[HostName.StackLength];
        using var z = HostName.From(name, stack);
        if (z.Error != 0) return z.Error;
        Span<byte> buffer = stackalloc byte[256];
        fixed (byte* p = z.Terminated)
        fixed (byte* b = buffer)
        {
            int r = Check(Posix.statx(dir, p, flags, STATX_BASIC_STATS, b));
            if (r < 0) return r;
        }
        status = FileStatus.FromStatx(buffer);
        return 0;
    }

    public static int MakeDirectoryAt(int dir, ReadOnlySpan<byte> name, int mode = 0x1ff /* 0777 */) =>
        WithName(name, p => Posix.mkdirat(dir, p, mode));

    /// <summary>unlinkat: removes a file, or an empty directory when <paramref name="directory"/>.</summary>
    public static int UnlinkAt(int dir, ReadOnlySpan<byte> name, bool directory) =>
        WithName(name, p => Posix.unlinkat(dir, p, directory ? AT_REMOVEDIR : 0));

    public static int RenameAt(int oldDir, ReadOnlySpan<byte> oldName, int newDir, ReadOnlySpan<byte> newName) =>
        WithNames(oldName, newName, (a, b) => Posix.renameat(oldDir, a, newDir, b));

    /// <summary>linkat without following a symbolic link in the source (flags 0).</summary>
    public static int LinkAt(int oldDir, ReadOnlySpan<byte> oldName, int newDir, ReadOnlySpan<byte> newName) =>
        WithNames(oldName, newName, (a, b) => Posix.linkat(oldDir, a, newDir, b, 0));

    /// <summary>Creates the symbolic link <paramref name="name"/> in <paramref name="dir"/> holding <paramref name="target"/> verbatim.</summary>
    public static int SymlinkAt(ReadOnlySpan<byte> target, int dir, ReadOnlySpan<byte> name) =>
        WithNames(target, name, (t, n) => Posix.symlinkat(t, dir, n));

    /// <summary>The target of the symbolic link <paramref name="name"/> in <paramref name="dir"/>.</summary>
    /// <remarks>Linux keeps a link's target under PATH_MAX, so one PATH_MAX buffer holds any; a
    /// readlinkat that fills it (a file system breaking that rule) is ENAMETOOLONG, not a bigger buffer.</remarks>
    public static int ReadLinkAt(int dir, ReadOnlySpan<byte> name, out byte[] target)
    {
        target = [];
        if (!OperatingSystem.IsLinux()) return -HostErrno.ENOSYS;
        Span<byte> stack = stackalloc byte[HostName.StackLength];
        using var z = HostName.From(name, stack);
        if (z.Error != 0) return z.Error;
        Span<byte> buffer = stackalloc byte[PathMax];
        nint r;
        fixed (byte* p = z.Terminated)
        fixed (byte* b = buffer)
            r = Posix.readlinkat(dir, p, b, (nuint)buffer.Length);
        if (r < 0) return -Marshal.GetLastPInvokeError();
        if (r >= buffer.Length) return -HostErrno.ENAMETOOLONG;
        target = buffer[..(int)r].ToArray();
        return 0;
    }

    /// <summary>
    /// Sets access and modification times (nanoseconds since the epoch) of <paramref name="name"/>
    /// in <paramref name="dir"/>, or of <paramref name="dir"/> itself when the name is empty. A null
    /// time is left alone; <c>now</c> takes the current time.
    /// </summary>
    public static int SetTimesAt(int dir, ReadOnlySpan<byte> name, bool follow, long? access, bool accessNow, long? modify, bool modifyNow)
    {
        if (!OperatingSystem.IsLinux()) return -HostErrno.ENOSYS;
        long* times = stackalloc long[4];
        Encode(times, access, accessNow);
        Encode(times + 2, modify, modifyNow);
        if (name.IsEmpty) return Check(Posix.futimens(dir, times));
        return WithName(name, p => Posix.utimensat(dir, p, times, follow ? 0 : AT_SYMLINK_NOFOLLOW));

        static void Encode(long* ts, long? value, bool now)
        {
            ts[0] = 0;
            ts[1] = now ? UTIME_NOW : value is null ? UTIME_OMIT : value.Value % 1_000_000_000;
            if (value is { } v && !now) ts[0] = v / 1_000_000_000;
        }
    }

    /// <summary>Every entry of the directory <paramref name="dir"/> (including "." and ".."), read
    /// through a fresh descriptor so the caller's offset is untouched.</summary>
    public static int ReadDirectory(int dir, List<DirectoryEntry> entries)
    {
        int fd = OpenAt(dir, "."u8, OpenFlags.Read | OpenFlags.Directory);
        if (fd < 0) return fd;
        try
        {
            var buffer = new byte[32 * 1024];
            while (true)
            {
                nint n;
                fixed (byte* b = buffer) n = Posix.getdents64(fd, b, (nuint)buffer.Length);
                if (n < 0) return -Marshal.GetLastPInvokeError();
                if (n == 0) return 0;
                // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[].
                for (int at = 0; at < n;)
                {
                    var record = buffer.AsSpan(at);
                    ushort length = BitConverter.ToUInt16(record[16..]);
                    var name = record[19..length];
                    int end = name.IndexOf((byte)0);
                    entries.Add(new DirectoryEntry(name[..(end < 0 ? name.Length : end)].ToArray(), BitConverter.ToUInt64(record), FileStatus.KindOfDirentType(record[18])));
                    at += length;
                }
            }
        }
        finally
        {
            _ = Posix.close(fd);
        }
    }

    public static bool IsTerminal(int fd) => OperatingSystem.IsLinux() && Posix.isatty(fd) == 1;

    private delegate int NameCall(byte* name);
    private delegate int NamesCall(byte* a, byte* b);

    private static int WithName(ReadOnlySpan<byte> name, NameCall call)
    {
        if (!OperatingSystem.IsLinux()) return -HostErrno.ENOSYS;
        Span<byte> stack = stackalloc byte[HostName.StackLength];
        using var z = HostName.From(name, stack);
        if (z.Error != 0) return z.Error;
        fixed (byte* p = z.Terminated) return Check(call(p));
    }

    private static int WithNames(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, NamesCall call)
    {
        if (!OperatingSystem.IsLinux()) return -HostErrno.ENOSYS;
        Span<byte> stackA = stackalloc byte[HostName.StackLength];
        Span<byte> stackB = stackalloc byte[HostName.StackLength];
        using var za = HostName.From(a, stackA);
        using var zb = HostName.From(b, stackB);
        if (za.Error != 0) return za.Error;
        if (zb.Error != 0) return zb.Error;
        fixed (byte* pa = za.Terminated)
        fixed (byte* pb = zb.Terminated)
            return Check(call(pa, pb));
    }

    private static int Check(int r) => r < 0 ? -Marshal.GetLastPInvokeError() : r;
    private static long Check(nint r) => r < 0 ? -Marshal.GetLastPInvokeError() : r;
}
