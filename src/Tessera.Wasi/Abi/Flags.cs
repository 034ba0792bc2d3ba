namespace Tessera.Wasi.Abi;

// The small enums and flag sets of typenames.witx, with the specification's numbering.

/// <summary><c>$filetype</c> (u8).</summary>
public enum FileType : byte
{
    Unknown, BlockDevice, CharacterDevice, Directory, RegularFile, SocketDgram, SocketStream, SymbolicLink,
}

/// <summary><c>$fdflags</c> (u16).</summary>
[Flags]
public enum FdFlags : ushort
{
    None = 0, Append = 1, Dsync = 2, NonBlock = 4, Rsync = 8, Sync = 16,
}

/// <summary><c>$oflags</c> (u16): how path_open creates and opens.</summary>
[Flags]
public enum OFlags : ushort
{
    None = 0, Creat = 1, Directory = 2, Excl = 4, Trunc = 8,
}

/// <summary><c>$lookupflags</c> (u32).</summary>
[Flags]
public enum LookupFlags : uint
{
    None = 0, SymlinkFollow = 1,
}

/// <summary><c>$fstflags</c> (u16): which times filestat_set_times changes.</summary>
[Flags]
public enum FstFlags : ushort
{
    None = 0, Atim = 1, AtimNow = 2, Mtim = 4, MtimNow = 8,
}

/// <summary><c>$whence</c> (u8).</summary>
public enum Whence : byte
{
    Set, Cur, End,
}

/// <summary><c>$advice</c> (u8), numbered like POSIX_FADV_* on Linux.</summary>
public enum Advice : byte
{
    Normal, Sequential, Random, WillNeed, DontNeed, NoReuse,
}

/// <summary><c>$clockid</c> (u32).</summary>
public enum ClockId : uint
{
    Realtime, Monotonic, ProcessCpuTimeId, ThreadCpuTimeId,
}

/// <summary><c>$eventtype</c> (u8).</summary>
public enum EventType : byte
{
    Clock, FdRead, FdWrite,
}

/// <summary><c>$subclockflags</c> (u16).</summary>
[Flags]
public enum SubclockFlags : ushort
{
    None = 0, Abstime = 1,
}

/// <summary><c>$eventrwflags</c> (u16).</summary>
[Flags]
public enum EventRwFlags : ushort
{
    None = 0, FdReadwriteHangup = 1,
}

/// <summary><c>$riflags</c> (u16): sock_recv.</summary>
[Flags]
public enum RiFlags : ushort
{
    None = 0, RecvPeek = 1, RecvWaitall = 2,
}

/// <summary><c>$roflags</c> (u16): sock_recv's result.</summary>
[Flags]
public enum RoFlags : ushort
{
    None = 0, RecvDataTruncated = 1,
}

/// <summary><c>$sdflags</c> (u8): sock_shutdown.</summary>
[Flags]
public enum SdFlags : byte
{
    None = 0, Rd = 1, Wr = 2,
}

/// <summary><c>$preopentype</c> (u8).</summary>
public enum PreopenType : byte
{
    Dir,
}
