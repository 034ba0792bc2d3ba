using System.Net.Sockets;
using Tessera.Wasi.Abi;
using Tessera.Wasi.Files;

namespace Tessera.Wasi.Sockets;

/// <summary>
/// A TCP socket: a listening socket preopened by the embedder (<c>--tcplisten</c>), or a connection
/// sock_accept returned. fd_read and fd_write work on connections as recv and send do.
/// </summary>
/// <remarks>
/// The host socket is always non-blocking: an operation that would block returns at once and
/// the WASI function decides how to wait (<see cref="Poll.IWasiWaiter"/>): a thread blocks in the
/// host's poll, a kernel task parks. The guest's FDFLAGS_NONBLOCK is kept apart from it and only
/// decides whether the guest waits or gets EAGAIN.
/// </remarks>
internal sealed class SocketDescriptor : Descriptor
{
    private volatile bool _nonBlocking;

    public SocketDescriptor(Socket socket, bool listening)
    {
        Socket = socket;
        Listening = listening;
        socket.Blocking = false;
    }

    public Socket Socket { get; }
    public bool Listening { get; }

    /// <summary>The guest asked not to wait (FDFLAGS_NONBLOCK).</summary>
    public bool NonBlocking
    {
        get => _nonBlocking;
        init => _nonBlocking = value;
    }

    public override FileType Type => FileType.SocketStream;

    public override FdFlags Flags => _nonBlocking ? FdFlags.NonBlock : FdFlags.None;

    public override void SetFlags(FdFlags flags)
    {
        if ((flags & ~FdFlags.NonBlock) != 0) throw new WasiException(Errno.NotSup);
        _nonBlocking = (flags & FdFlags.NonBlock) != 0;
    }

    // The waiting paths are SocketFunctions'; these serve callers that cannot wait.
    public override int Read(Span<byte> buffer) => TryReceive(buffer, SocketFlags.None) is var n and >= 0 ? n : throw new WasiException(Errno.Again);

    public override int Write(ReadOnlySpan<byte> buffer) => TrySend(buffer) is var n and >= 0 ? n : throw new WasiException(Errno.Again);

    /// <summary>Bytes received (0 at the end of the stream), or -1 when none are there yet.</summary>
    public int TryReceive(Span<byte> buffer, SocketFlags flags)
    {
        if (Listening) throw new WasiException(Errno.NotConn);
        int n = Socket.Receive(buffer, flags, out var error);
        return error switch
        {
            SocketError.Success => n,
            SocketError.WouldBlock => -1,
            _ => throw new SocketException((int)error),
        };
    }

    /// <summary>Bytes sent, or -1 when the send buffer is full.</summary>
    public int TrySend(ReadOnlySpan<byte> buffer)
    {
        if (Listening) throw new WasiException(Errno.NotConn);
        int n = Socket.Send(buffer, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => n,
            SocketError.WouldBlock => -1,
            _ => throw new SocketException((int)error),
        };
    }

    /// <summary>A connection waiting to be accepted, or null when there is none yet.</summary>
    public Socket? TryAccept()
    {
        if (!Socket.Poll(0, SelectMode.SelectRead)) return null;
        try
        {
            return Socket.Accept();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
        {
            // Another task took the connection the poll saw.
            return null;
        }
    }

    public override int PollHandle => (int)Socket.Handle;

    public override ulong ReadableBytes => Listening ? 0 : (ulong)Math.Max(0, Socket.Available);

    public override void Close() => Socket.Dispose();
}
