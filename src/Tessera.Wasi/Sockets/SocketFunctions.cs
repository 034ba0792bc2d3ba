using System.Net.Sockets;
using Tessera.Platform.Polling;
using Tessera.Wasi.Abi;
using Tessera.Wasi.Memory;
using Tessera.Wasi.Poll;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasi.Sockets;

/// <summary>
/// sock_accept, sock_recv, sock_send, sock_shutdown on preopened listening sockets and the
/// connections they accept (and fd_read / fd_write on connections). Preview 1 cannot create, bind
/// or connect sockets. A call that would block waits through the <see cref="IWasiWaiter"/>: what
/// it moved before waiting is its saved progress, so a task that parks and is called again
/// carries on where it stopped instead of losing or repeating bytes.
/// </summary>
internal static class SocketFunctions
{
    /// <summary>The socket <paramref name="fd"/> with <paramref name="rights"/>. What the descriptor
    /// is comes before what it may do: a descriptor that is not a socket is NotSock whatever its
    /// rights (as POSIX's socket calls answer ENOTSOCK, and wasi-testsuite expects of sock_shutdown),
    /// rather than NotCapable for lacking socket rights it could never hold.</summary>
    private static SocketDescriptor Socket(WasiContext ctx, int fd, Rights rights)
    {
        var socket = ctx.Descriptors.Get(fd) as SocketDescriptor ?? throw new WasiException(Errno.NotSock);
        socket.Require(rights);
        return socket;
    }

    public static Errno Accept(WasiContext ctx, IWasiWaiter waiter, Caller caller, GuestMemory memory, int fd, int flags, int resultOut)
    {
        var progress = waiter.Begin(caller);
        var listener = Socket(ctx, fd, Rights.SockAccept);
        if ((flags & ~(int)FdFlags.NonBlock) != 0) return Errno.Inval;
        if (!listener.Listening) return Errno.Inval;
        memory.Slice(resultOut, 4);
        while (true)
        {
            ctx.Descriptors.EnsureRoom();
            if (listener.TryAccept() is { } connection)
            {
                var descriptor = new SocketDescriptor(connection, listening: false)
                {
                    Base = RightSets.Socket & listener.Inheriting,
                    Inheriting = Rights.None,
                    NonBlocking = (flags & (int)FdFlags.NonBlock) != 0,
                };
                memory.WriteU32(resultOut, (uint)ctx.Descriptors.Add(descriptor));
                return Errno.Success;
            }
            if (listener.NonBlocking) return Errno.Again;
            if (!waiter.Wait(caller, [new HostWait(listener.PollHandle, Interest.Read)], WaitProgress.NoDeadline, progress)) return Errno.Success;
        }
    }

    /// <summary>sock_recv. RECV_WAITALL keeps receiving until the iovecs are full or the peer
    /// closes; RECV_PEEK leaves the data queued.</summary>
    public static Errno Receive(WasiContext ctx, IWasiWaiter waiter, Caller caller, GuestMemory memory, int fd, int iovs, int iovsLength, int flags, int lengthOut, int flagsOut)
    {
        var progress = waiter.Begin(caller);
        var socket = Socket(ctx, fd, Rights.FdRead);
        if ((flags & ~0x3) != 0) return Errno.Inval;
        memory.Slice(flagsOut, 2);
        var result = ReceiveInto(socket, waiter, caller, progress, memory, iovs, iovsLength, (RiFlags)flags, lengthOut);
        if (result == Errno.Success) memory.WriteU16(flagsOut, 0);
        return result;
    }

    /// <summary>fd_read on a connection: a receive without flags.</summary>
    public static Errno Read(SocketDescriptor socket, IWasiWaiter waiter, Caller caller, WaitProgress progress, GuestMemory memory, int iovs, int iovsLength, int lengthOut) =>
        ReceiveInto(socket, waiter, caller, progress, memory, iovs, iovsLength, 0, lengthOut);

    private static Errno ReceiveInto(SocketDescriptor socket, IWasiWaiter waiter, Caller caller, WaitProgress progress, GuestMemory memory, int iovs, int iovsLength, RiFlags flags, int lengthOut)
    {
        var buffers = memory.ReadIovecs(iovs, iovsLength);
        memory.Slice(lengthOut, 4);
        bool peek = (flags & RiFlags.RecvPeek) != 0, waitAll = (flags & RiFlags.RecvWaitall) != 0;
        long capacity = buffers.TotalLength;
        long total = progress.Done;
        while (total < capacity)
        {
            var target = Remainder(memory, buffers, total);
            int n = socket.TryReceive(target, peek ? SocketFlags.Peek : SocketFlags.None);
            if (n == 0) break;
            if (n > 0)
            {
                total += n;
                // Peeking fills only the first buffer: later ones would see the same bytes again.
                // Without WAITALL a short receive is the answer; a full buffer goes on to the next.
                if (peek || (!waitAll && n < target.Length)) break;
                continue;
            }
            if (total > 0 && !waitAll) break;
            if (socket.NonBlocking)
            {
                if (total > 0) break;
                return Errno.Again;
            }
            if (!waiter.Wait(caller, [new HostWait(socket.PollHandle, Interest.Read)], WaitProgress.NoDeadline, progress with { Done = total })) return Errno.Success;
        }
        memory.WriteU32(lengthOut, (uint)total);
        return Errno.Success;
    }

    /// <summary>sock_send and fd_write on a connection: everything, unless the guest asked not to wait.</summary>
    public static Errno Send(WasiContext ctx, IWasiWaiter waiter, Caller caller, GuestMemory memory, int fd, int iovs, int iovsLength, int flags, int resultOut)
    {
        var progress = waiter.Begin(caller);
        var socket = Socket(ctx, fd, Rights.FdWrite);
        if (flags != 0) return Errno.Inval;
        return SendFrom(socket, waiter, caller, progress, memory, iovs, iovsLength, resultOut);
    }

    /// <summary>fd_write on a connection.</summary>
    public static Errno Write(SocketDescriptor socket, IWasiWaiter waiter, Caller caller, WaitProgress progress, GuestMemory memory, int iovs, int iovsLength, int resultOut) =>
        SendFrom(socket, waiter, caller, progress, memory, iovs, iovsLength, resultOut);

    private static Errno SendFrom(SocketDescriptor socket, IWasiWaiter waiter, Caller caller, WaitProgress progress, GuestMemory memory, int iovs, int iovsLength, int resultOut)
    {
        var buffers = memory.ReadIovecs(iovs, iovsLength);
        memory.Slice(resultOut, 4);
        long capacity = buffers.TotalLength;
        long total = progress.Done;
        while (total < capacity)
        {
            int n = socket.TrySend(Remainder(memory, buffers, total));
            if (n >= 0)
            {
                total += n;
                continue;
            }
            if (socket.NonBlocking)
            {
                if (total > 0) break;
                return Errno.Again;
            }
            if (!waiter.Wait(caller, [new HostWait(socket.PollHandle, Interest.Write)], WaitProgress.NoDeadline, progress with { Done = total })) return Errno.Success;
        }
        memory.WriteU32(resultOut, (uint)total);
        return Errno.Success;
    }

    /// <summary>What is left of the iovecs after their first <paramref name="offset"/> bytes: the
    /// rest of the buffer that byte falls in.</summary>
    private static Span<byte> Remainder(GuestMemory memory, IovecArray buffers, long offset)
    {
        for (int i = 0; i < buffers.Count; i++)
        {
            var (pointer, length) = buffers[i];
            if (offset < length) return memory.Slice(pointer + (int)offset, length - (int)offset);
            offset -= length;
        }
        return [];
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
