namespace Tessera.Platform.Files;

/// <summary>What a file is, by the host's mode bits.</summary>
public enum HostFileKind : byte
{
    Unknown,
    BlockDevice,
    CharacterDevice,
    Directory,
    RegularFile,
    Socket,
    SymbolicLink,
    Fifo,
}

/// <summary>A file's metadata as statx reports it; times in nanoseconds since the Unix epoch.</summary>
public readonly record struct FileStatus(
    ulong Device, ulong Inode, HostFileKind Kind, ulong LinkCount, ulong Size,
    ulong AccessTime, ulong ModifyTime, ulong ChangeTime)
{
    /// <summary>Reads a Linux <c>struct statx</c> (the same layout on every architecture).</summary>
    internal static FileStatus FromStatx(ReadOnlySpan<byte> b)
    {
        static uint U32(ReadOnlySpan<byte> s, int at) => BitConverter.ToUInt32(s[at..]);
        static ulong U64(ReadOnlySpan<byte> s, int at) => BitConverter.ToUInt64(s[at..]);
        static ulong Time(ReadOnlySpan<byte> s, int at) => unchecked((ulong)BitConverter.ToInt64(s[at..]) * 1_000_000_000UL + U32(s, at + 8));
        ushort mode = BitConverter.ToUInt16(b[28..]);
        ulong major = U32(b, 136), minor = U32(b, 140);
        // glibc's makedev encoding, so the number matches what stat(2) reports as st_dev.
        ulong device = ((major & 0xfffff000UL) << 32) | ((major & 0xfffUL) << 8) | ((minor & 0xffffff00UL) << 12) | (minor & 0xffUL);
        return new FileStatus(device, U64(b, 32), KindOfMode(mode), U32(b, 16), U64(b, 40), Time(b, 64), Time(b, 112), Time(b, 96));
    }

    internal static HostFileKind KindOfMode(int mode) => (mode & 0xF000) switch
    {
        0x1000 => HostFileKind.Fifo,
        0x2000 => HostFileKind.CharacterDevice,
        0x4000 => HostFileKind.Directory,
        0x6000 => HostFileKind.BlockDevice,
        0x8000 => HostFileKind.RegularFile,
        0xA000 => HostFileKind.SymbolicLink,
        0xC000 => HostFileKind.Socket,
        _ => HostFileKind.Unknown,
    };

    /// <summary>The d_type of a directory entry.</summary>
    internal static HostFileKind KindOfDirentType(byte type) => type switch
    {
        1 => HostFileKind.Fifo,
        2 => HostFileKind.CharacterDevice,
        4 => HostFileKind.Directory,
        6 => HostFileKind.BlockDevice,
        8 => HostFileKind.RegularFile,
        10 => HostFileKind.SymbolicLink,
        12 => HostFileKind.Socket,
        _ => HostFileKind.Unknown,
    };
}

/// <summary>One directory entry: its name's bytes, inode and kind.</summary>
public readonly record struct DirectoryEntry(byte[] Name, ulong Inode, HostFileKind Kind);
