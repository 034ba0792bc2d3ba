using System.Runtime.InteropServices;

namespace Tessera.Platform.Files;

/// <summary>
/// Flags of <see cref="HostFiles.OpenAt"/>, independent of the host: Linux numbers O_DIRECTORY and
/// O_NOFOLLOW differently on x86-64 and arm64, so callers name the flag and
/// <see cref="HostFiles"/> translates.
/// </summary>
[Flags]
public enum OpenFlags
{
    None = 0,
    Read = 1 << 0,
    Write = 1 << 1,
    Create = 1 << 2,
    Exclusive = 1 << 3,
    Truncate = 1 << 4,
    Append = 1 << 5,
    NonBlocking = 1 << 6,
    DataSync = 1 << 7,
    Sync = 1 << 8,
    ReadSync = 1 << 9,
    Directory = 1 << 10,
    /// <summary>Fail with ELOOP rather than follow a symbolic link in the last component.</summary>
    NoFollow = 1 << 11,
    /// <summary>A handle that names the object without opening it for IO (O_PATH).</summary>
    PathOnly = 1 << 12,
}

/// <summary>The Linux numbering of <see cref="OpenFlags"/>.</summary>
internal static class LinuxOpenFlags
{
    private static readonly bool Arm = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;
    private const int O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_TRUNC = 0x200, O_APPEND = 0x400;
    private const int O_NONBLOCK = 0x800, O_DSYNC = 0x1000, O_SYNC = 0x101000, O_CLOEXEC = 0x80000, O_PATH = 0x200000;
    private static int O_DIRECTORY => Arm ? 0x4000 : 0x10000;
    private static int O_NOFOLLOW => Arm ? 0x8000 : 0x20000;

    public static int ToLinux(OpenFlags flags)
    {
        // Descriptors never leak into child processes the host might start.
        int result = O_CLOEXEC;
        bool read = (flags & OpenFlags.Read) != 0, write = (flags & OpenFlags.Write) != 0;
        if ((flags & OpenFlags.PathOnly) != 0) result |= O_PATH;
        else if (read && write) result |= O_RDWR;
        else if (write) result |= O_WRONLY;
        if ((flags & OpenFlags.Create) != 0) result |= O_CREAT;
        if ((flags & OpenFlags.Exclusive) != 0) result |= O_EXCL;
        if ((flags & OpenFlags.Truncate) != 0) result |= O_TRUNC;
        if ((flags & OpenFlags.Append) != 0) result |= O_APPEND;
        if ((flags & OpenFlags.NonBlocking) != 0) result |= O_NONBLOCK;
        if ((flags & OpenFlags.DataSync) != 0) result |= O_DSYNC;
        // Linux defines O_RSYNC as O_SYNC.
        if ((flags & (OpenFlags.Sync | OpenFlags.ReadSync)) != 0) result |= O_SYNC;
        if ((flags & OpenFlags.Directory) != 0) result |= O_DIRECTORY;
        if ((flags & OpenFlags.NoFollow) != 0) result |= O_NOFOLLOW;
        return result;
    }

    /// <summary>The status flags of an open descriptor (fcntl F_GETFL) as <see cref="OpenFlags"/>.</summary>
    public static OpenFlags FromStatus(int status)
    {
        var flags = OpenFlags.None;
        if ((status & O_APPEND) != 0) flags |= OpenFlags.Append;
        if ((status & O_NONBLOCK) != 0) flags |= OpenFlags.NonBlocking;
        if ((status & O_SYNC) == O_SYNC) flags |= OpenFlags.Sync;
        else if ((status & O_DSYNC) != 0) flags |= OpenFlags.DataSync;
        return flags;
    }

    public const int StatusFlagsChangeable = O_APPEND | O_NONBLOCK;
    public static int StatusOf(OpenFlags flags) =>
        ((flags & OpenFlags.Append) != 0 ? O_APPEND : 0) | ((flags & OpenFlags.NonBlocking) != 0 ? O_NONBLOCK : 0);
}
