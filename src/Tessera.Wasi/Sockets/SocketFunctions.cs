using System.Net.Sockets;
using Tessera.Wasi.Abi;
using Tessera.Wasi.Memory;

namespace Tessera.Wasi.Sockets;

/// <summary>sock_accept, sock_recv, sock_send, sock_shutdown on preopened listening sockets and
/// the connections they accept. Preview 1 cannot create, bind or connect sockets.</summary>
internal static class SocketFunctions
{
    private static SocketDescriptor Socket(WasiContext ctx, int fd, Rights rights)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(rights);
        return d as SocketDescriptor ?? throw new WasiException(Errno.NotSock);
    }

    public static Errno Accept(WasiContext ctx, GuestMemory memory, int fd, int flags, int resultOut)
    {
        var listener = Socket(ctx, fd, Rights.SockAccept);
        if ((flags & ~(int)FdFlags.NonBlock) != 0) return Errno.Inval;
        if (!listener.Listening) return Errno.Inval;
        memory.Slice(resultOut, 4);
        ctx.Descriptors.EnsureRoom();
        var connection = listener.Socket.Accept();
        connection.Blocking = (flags & (int)FdFlags.NonBlock) == 0;
        var descriptor = new SocketDescriptor(connection, listening: false) { Base = RightSets.Socket & listener.Inheriting, Inheriting = Rights.None };
        memory.WriteU32(resultOut, (uint)ctx.Descriptors.Add(descriptor));
        return Errno.Success;
    }

    /// <summary>Receives into the iovecs. RECV_WAITALL keeps receiving until they are full or the
    /// peer closes; RECV_PEEK leaves the data queued.</summary>
    public static Errno Receive(WasiContext ctx, GuestMemory memory, int fd, int iovs, int iovsLength, int flags, int lengthOut, int flagsOut)
    {
        var socket = Socket(ctx, fd, Rights.FdRead);
        if ((flags & ~0x3) != 0) return Errno.Inval;
        var buffers = memory.ReadIovecs(iovs, iovsLength);
        memory.Slice(lengthOut, 4);
        memory.Slice(flagsOut, 2);
        bool peek = ((RiFlags)flags & RiFlags.RecvPeek) != 0, waitAll = ((RiFlags)flags & RiFlags.RecvWaitall) != 0;
        long total = 0;
        foreach (var (pointer, length) in buffers)
        {
            var buffer = memory.Slice(pointer, length);
            int filled = 0;
            while (filled < length)
            {
                int n = socket.Receive(buffer[filled..], peek ? SocketFlags.Peek : SocketFlags.None);
                filled += n;
                if (n == 0 || !waitAll || peek) break;
            }
            total += filled;
            if (filled < length) break;
            // Peeking fills only the first buffer: later ones would see the same bytes again.
            if (peek) break;
        }
        memory.WriteU32(lengthOut, (uint)total);
        memory.WriteU16(flagsOut, 0);
        return Errno.Success;
    }

    public static Errno Send(WasiContext ctx, GuestMemory memory, int fd, int iovs, int iovsLength, int flags, int resultOut)
    {
        var socket = Socket(ctx, fd, Rights.FdWrite);
        if (flags != 0) return Errno.Inval;
        var buffers = memory.ReadIovecs(iovs, iovsLength);
        memory.Slice(resultOut, 4);
        long total = 0;
        foreach (var (pointer, length) in buffers)
        {
            int n = socket.Write(memory.Slice(pointer, length));
            total += n;
            if (n < length) break;
        }
        memory.WriteU32(resultOut, (uint)total);
        return Errno.Success;
    }

    public static Errno Shutdown(WasiContext ctx, int fd, int how)
    {
        var socket = Socket(ctx, fd, Rights.SockShutdown);
        var direction = (SdFlags)how switch
        {
            SdFlags.Rd => SocketShutdown.Receive,
            SdFlags.Wr => SocketShutdown.Send,
            SdFlags.Rd | SdFlags.Wr => SocketShutdown.Both,
            _ => throw new WasiException(Errno.Inval),
        };
        if (socket.Listening) return Errno.NotConn;
        socket.Socket.Shutdown(direction);
        return Errno.Success;
    }
}
