namespace Tessera.Wasi.Abi;

/// <summary>
/// Rights of a descriptor (typenames.witx <c>$rights</c>, flags of u64, bit n = the n-th flag).
/// A function checks the rights it needs and fails with <see cref="Errno.NotCapable"/> otherwise.
/// </summary>
[Flags]
public enum Rights : ulong
{
    None = 0,
    FdDatasync = 1UL << 0,
    FdRead = 1UL << 1,
    FdSeek = 1UL << 2,
    FdFdstatSetFlags = 1UL << 3,
    FdSync = 1UL << 4,
    FdTell = 1UL << 5,
    FdWrite = 1UL << 6,
    FdAdvise = 1UL << 7,
    FdAllocate = 1UL << 8,
    PathCreateDirectory = 1UL << 9,
    PathCreateFile = 1UL << 10,
    PathLinkSource = 1UL << 11,
    PathLinkTarget = 1UL << 12,
    PathOpen = 1UL << 13,
    FdReaddir = 1UL << 14,
    PathReadlink = 1UL << 15,
    PathRenameSource = 1UL << 16,
    PathRenameTarget = 1UL << 17,
    PathFilestatGet = 1UL << 18,
    PathFilestatSetSize = 1UL << 19,
    PathFilestatSetTimes = 1UL << 20,
    FdFilestatGet = 1UL << 21,
    FdFilestatSetSize = 1UL << 22,
    FdFilestatSetTimes = 1UL << 23,
    PathSymlink = 1UL << 24,
    PathRemoveDirectory = 1UL << 25,
    PathUnlinkFile = 1UL << 26,
    PollFdReadwrite = 1UL << 27,
    SockShutdown = 1UL << 28,
    SockAccept = 1UL << 29,
}

/// <summary>The right sets descriptors start with.</summary>
public static class RightSets
{
    /// <summary>Every right the specification defines.</summary>
    public const Rights All = (Rights)((1UL << 30) - 1);

    /// <summary>What a regular file can be asked to do.</summary>
    public const Rights RegularFile = Rights.FdDatasync | Rights.FdRead | Rights.FdSeek | Rights.FdFdstatSetFlags
        | Rights.FdSync | Rights.FdTell | Rights.FdWrite | Rights.FdAdvise | Rights.FdAllocate
        | Rights.FdFilestatGet | Rights.FdFilestatSetSize | Rights.FdFilestatSetTimes | Rights.PollFdReadwrite;

    /// <summary>What a directory can be asked to do.</summary>
    public const Rights Directory = Rights.FdFdstatSetFlags | Rights.FdSync | Rights.FdAdvise
        | Rights.PathCreateDirectory | Rights.PathCreateFile | Rights.PathLinkSource | Rights.PathLinkTarget
        | Rights.PathOpen | Rights.FdReaddir | Rights.PathReadlink | Rights.PathRenameSource | Rights.PathRenameTarget
        | Rights.PathFilestatGet | Rights.PathFilestatSetSize | Rights.PathFilestatSetTimes
        | Rights.FdFilestatGet | Rights.FdFilestatSetTimes | Rights.PathSymlink | Rights.PathRemoveDirectory
        | Rights.PathUnlinkFile | Rights.PollFdReadwrite;

    /// <summary>A read-only directory: look, never change.</summary>
    public const Rights ReadOnlyDirectory = Rights.PathOpen | Rights.FdReaddir | Rights.PathReadlink
        | Rights.PathFilestatGet | Rights.FdFilestatGet | Rights.FdAdvise | Rights.PollFdReadwrite;

    /// <summary>A read-only file: read and seek.</summary>
    public const Rights ReadOnlyFile = Rights.FdRead | Rights.FdSeek | Rights.FdTell | Rights.FdAdvise
        | Rights.FdFilestatGet | Rights.PollFdReadwrite | Rights.FdFdstatSetFlags;

    /// <summary>A stream (stdio, a pipe, a terminal): no seeking.</summary>
    public const Rights Stream = Rights.FdRead | Rights.FdWrite | Rights.FdFdstatSetFlags | Rights.FdFilestatGet
        | Rights.PollFdReadwrite | Rights.FdSync | Rights.FdDatasync;

    /// <summary>A connected socket.</summary>
    public const Rights Socket = Rights.FdRead | Rights.FdWrite | Rights.FdFdstatSetFlags | Rights.FdFilestatGet
        | Rights.PollFdReadwrite | Rights.SockShutdown;

    /// <summary>A listening socket.</summary>
    public const Rights ListeningSocket = Rights.FdFdstatSetFlags | Rights.FdFilestatGet | Rights.PollFdReadwrite | Rights.SockAccept;
}
