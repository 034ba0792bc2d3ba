using System.Net.Sockets;
using Tessera.Wasi.Abi;
using Tessera.Wasi.Files;

namespace Tessera.Wasi.Sockets;

/// <summary>
/// A TCP socket: a listening socket preopened by the embedder (<c>--tcplisten</c>), or a connection
/// sock_accept returned. fd_read and fd_write work on connections as recv and send do.
/// </summary>
internal sealed class SocketDescriptor(Socket socket, bool listening) : Descriptor
{
    public Socket Socket { get; } = socket;
    public bool Listening { get; } = listening;

    public override FileType Type => FileType.SocketStream;

    public override FdFlags Flags => Socket.Blocking ? FdFlags.None : FdFlags.NonBlock;

    public override void SetFlags(FdFlags flags)
    {
        if ((flags & ~FdFlags.NonBlock) != 0) throw new WasiException(Errno.NotSup);
        Socket.Blocking = (flags & FdFlags.NonBlock) == 0;
    }

    public override int Read(Span<byte> buffer) => Receive(buffer, SocketFlags.None);

    public override int Write(ReadOnlySpan<byte> buffer)
    {
        if (Listening) throw new WasiException(Errno.NotConn);
        return Socket.Send(buffer, SocketFlags.None);
    }

    public int Receive(Span<byte> buffer, SocketFlags flags)
    {
        if (Listening) throw new WasiException(Errno.NotConn);
        return Socket.Receive(buffer, flags);
    }

    public override int PollHandle => (int)Socket.Handle;

    public override ulong ReadableBytes => Listening ? 0 : (ulong)Math.Max(0, Socket.Available);

    public override void Close() => Socket.Dispose();
}
