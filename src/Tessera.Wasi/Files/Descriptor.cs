using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Files;

/// <summary>
/// An open WASI descriptor: something that can be read, written, listed or polled, with the
/// rights it was given. Operations a kind of descriptor does not support fail with the errno POSIX
/// gives for them (ESPIPE for seeking a stream, ENOTDIR for listing a file); callers check rights
/// first (<see cref="Require"/>), so an operation is only reached when the descriptor may do it.
/// Errors are thrown as <see cref="WasiException"/>.
/// </summary>
internal abstract class Descriptor
{
    /// <summary>What this descriptor may do.</summary>
    public Rights Base;
    /// <summary>What descriptors opened through this one (path_open, sock_accept) may get at most.</summary>
    public Rights Inheriting;

    public abstract FileType Type { get; }

    /// <summary>Fails with <see cref="Errno.NotCapable"/> unless every right in <paramref name="needed"/> is held.</summary>
    public void Require(Rights needed)
    {
        if ((Base & needed) != needed) throw new WasiException(Errno.NotCapable);
    }

    public virtual FdFlags Flags => FdFlags.None;
    public virtual void SetFlags(FdFlags flags) => throw new WasiException(Errno.NotSup);

    public virtual int Read(Span<byte> buffer) => throw new WasiException(Errno.BadF);
    public virtual int Write(ReadOnlySpan<byte> buffer) => throw new WasiException(Errno.BadF);
    public virtual int ReadAt(Span<byte> buffer, long offset) => throw new WasiException(Errno.SPipe);
    public virtual int WriteAt(ReadOnlySpan<byte> buffer, long offset) => throw new WasiException(Errno.SPipe);
    public virtual long Seek(long offset, Whence whence) => throw new WasiException(Errno.SPipe);
    public virtual void Sync() { }
    public virtual void DataSync() { }
    public virtual void Advise(long offset, long length, Advice advice) => throw new WasiException(Errno.SPipe);
    public virtual void Allocate(long offset, long length) => throw new WasiException(Errno.SPipe);
    public virtual void SetSize(long size) => throw new WasiException(Errno.Inval);
    public virtual void SetTimes(long? access, bool accessNow, long? modify, bool modifyNow) => throw new WasiException(Errno.NotSup);
    public virtual Filestat Stat() => new(0, 0, Type, 1, 0, 0, 0, 0);

    /// <summary>The host descriptor to wait on in poll_oneoff, or -1 when the descriptor is always ready.</summary>
    public virtual int PollHandle => -1;

    /// <summary>Bytes available to read now, for poll_oneoff's <c>nbytes</c> (0 when unknown).</summary>
    public virtual ulong ReadableBytes => 0;

    /// <summary>Releases host resources; called once, when the descriptor leaves the table.</summary>
    public virtual void Close() { }
}
