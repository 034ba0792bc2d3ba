using Tessera.Platform.Files;
using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Files;

/// <summary>
/// A descriptor backed by a host file descriptor: a regular file, a directory (a preopen or one
/// opened through it), or a stream the host handed over (the process's stdin, stdout, stderr).
/// </summary>
internal sealed class HostDescriptor : Descriptor
{
    private readonly FileType _type;
    private readonly bool _owned;
    private readonly OutputBudget? _budget;

    /// <param name="fd">the host descriptor.</param>
    /// <param name="type">what it is, from statx when opened.</param>
    /// <param name="owned">close the host descriptor when this closes (false for the process's stdio).</param>
    /// <param name="budget">the bytes this descriptor may still write, for stdout and stderr.</param>
    public HostDescriptor(int fd, FileType type, bool owned, OutputBudget? budget = null)
    {
        Fd = fd;
        _type = type;
        _owned = owned;
        _budget = budget;
    }

    public int Fd { get; }

    /// <summary>For a preopened directory: its name as the guest sees it (fd_prestat_dir_name).</summary>
    public byte[]? PreopenName { get; init; }

    /// <summary>fd_readdir's listing: read when a listing starts (cookie 0), so cookies are indices
    /// into one consistent snapshot even if the directory changes while the guest reads it.</summary>
    public List<DirectoryEntry>? Listing;

    public override FileType Type => _type;

    public override FdFlags Flags
    {
        get
        {
            Check(HostFiles.GetStatusFlags(Fd, out var flags));
            var result = FdFlags.None;
            if ((flags & OpenFlags.Append) != 0) result |= FdFlags.Append;
            if ((flags & OpenFlags.NonBlocking) != 0) result |= FdFlags.NonBlock;
            if ((flags & OpenFlags.Sync) != 0) result |= FdFlags.Sync | FdFlags.Rsync | FdFlags.Dsync;
            else if ((flags & OpenFlags.DataSync) != 0) result |= FdFlags.Dsync;
            return result;
        }
    }

    /// <summary>Append and non-blocking can change; Linux ignores changes to the sync flags after
    /// open, so asking for them is <see cref="Errno.NotSup"/> rather than a silent no-op.</summary>
    public override void SetFlags(FdFlags flags)
    {
        if ((flags & (FdFlags.Dsync | FdFlags.Rsync | FdFlags.Sync)) != 0) throw new WasiException(Errno.NotSup);
        var host = OpenFlags.None;
        if ((flags & FdFlags.Append) != 0) host |= OpenFlags.Append;
        if ((flags & FdFlags.NonBlock) != 0) host |= OpenFlags.NonBlocking;
        Check(HostFiles.SetStatusFlags(Fd, host));
    }

    public override int Read(Span<byte> buffer) => (int)Check(HostFiles.Read(Fd, buffer));

    public override int Write(ReadOnlySpan<byte> buffer)
    {
        if (_budget is null) return (int)Check(HostFiles.Write(Fd, buffer));
        var allowed = buffer[.._budget.Take(buffer.Length)];
        int written = (int)Check(HostFiles.Write(Fd, allowed));
        _budget.Refund(allowed.Length - written);
        return written;
    }

    public override int ReadAt(Span<byte> buffer, long offset) => (int)Check(HostFiles.ReadAt(Fd, buffer, Offset(offset)));
    public override int WriteAt(ReadOnlySpan<byte> buffer, long offset) => (int)Check(HostFiles.WriteAt(Fd, buffer, Offset(offset)));

    public override long Seek(long offset, Whence whence)
    {
        if (_type == FileType.Directory) throw new WasiException(Errno.IsDir);
        return Check(HostFiles.Seek(Fd, offset, (int)whence));
    }

    public override void Sync() => Check(HostFiles.Sync(Fd));
    public override void DataSync() => Check(HostFiles.DataSync(Fd));
    public override void Advise(long offset, long length, Advice advice) => Check(HostFiles.Advise(Fd, offset, length, (int)advice));

    public override void Allocate(long offset, long length)
    {
        if (offset < 0 || length <= 0) throw new WasiException(Errno.Inval);
        Check(HostFiles.Allocate(Fd, offset, length));
    }

    public override void SetSize(long size)
    {
        if (size < 0) throw new WasiException(Errno.Inval);
        Check(HostFiles.Truncate(Fd, size));
    }

    public override void SetTimes(long? access, bool accessNow, long? modify, bool modifyNow) =>
        Check(HostFiles.SetTimesAt(Fd, [], follow: false, access, accessNow, modify, modifyNow));

    public override Filestat Stat()
    {
        Check(HostFiles.Stat(Fd, out var status));
        return Filestat.From(status) with { Type = _type };
    }

    public override int PollHandle => _type is FileType.RegularFile or FileType.Directory ? -1 : Fd;

    public override ulong ReadableBytes
    {
        get
        {
            if (_type != FileType.RegularFile) return 0;
            long position = HostFiles.Seek(Fd, 0, 1);
            return HostFiles.Stat(Fd, out var status) < 0 || position < 0 ? 0 : status.Size > (ulong)position ? status.Size - (ulong)position : 0;
        }
    }

    public override void Close()
    {
        if (_owned) _ = HostFiles.Close(Fd);
    }

    /// <summary>A guest offset is a u64; offsets past 2^63 are beyond any file (EINVAL, as lseek says).</summary>
    private static long Offset(long offset) => offset < 0 ? throw new WasiException(Errno.Inval) : offset;

    public static long Check(long result) => result < 0 ? throw new WasiException(HostErrors.FromResult(result)) : result;
    public static int Check(int result) => result < 0 ? throw new WasiException(HostErrors.FromResult(result)) : result;
}
