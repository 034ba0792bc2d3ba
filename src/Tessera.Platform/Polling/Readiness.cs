using System.Runtime.InteropServices;
using Tessera.Platform.Files;

namespace Tessera.Platform.Polling;

/// <summary>What a <see cref="Readiness"/> registration waits for.</summary>
[Flags]
public enum Interest
{
    None = 0,
    Read = 1,
    Write = 2,
}

/// <summary>One descriptor that became ready: its token, and what it is ready for (a hang-up or an
/// error counts as both: the next read or write reports it).</summary>
public readonly record struct ReadyEvent(long Token, Interest Ready);

/// <summary>
/// A set of host descriptors watched for readiness, each registration firing once (Linux: epoll
/// with <c>EPOLLONESHOT</c>; a reactor thread sits in <see cref="Wait"/>). A descriptor stays in the
/// set, disarmed, after it fires; <see cref="Arm"/> arms it again with whatever interest. Closing a
/// descriptor removes it (the kernel drops it with the open file), so a reused number is added
/// afresh. Elsewhere a portable fallback reports every armed descriptor ready at once: waiters then
/// retry their operation, which is correct, only busier.
/// </summary>
public sealed unsafe partial class Readiness : IDisposable
{
    private const int EPOLL_CTL_ADD = 1, EPOLL_CTL_MOD = 3;
    private const uint EPOLLIN = 0x1, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10, EPOLLRDHUP = 0x2000, EPOLLONESHOT = 1u << 30;
    private const int EPOLL_CLOEXEC = 0x80000;

    private readonly int _epoll = -1;
    private readonly int _wakeRead = -1, _wakeWrite = -1;
    private readonly Queue<ReadyEvent>? _fallback;
    private int _disposed;

    public Readiness()
    {
        if (!OperatingSystem.IsLinux())
        {
            _fallback = new Queue<ReadyEvent>();
            return;
        }
        _epoll = epoll_create1(EPOLL_CLOEXEC);
        if (_epoll < 0) throw new IOException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        // A pipe whose read end is always in the set: Interrupt writes a byte to end a Wait.
        int* fds = stackalloc int[2];
        if (pipe2(fds, 0x80000 | 0x800 /* O_CLOEXEC | O_NONBLOCK */) != 0)
        {
            Posix.close(_epoll);
            throw new IOException($"pipe2 failed: errno {Marshal.GetLastPInvokeError()}");
        }
        (_wakeRead, _wakeWrite) = (fds[0], fds[1]);
        if (Control(EPOLL_CTL_ADD, _wakeRead, EPOLLIN, -1) != 0) throw new IOException($"epoll_ctl failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Arms <paramref name="descriptor"/> to report once, with <paramref name="token"/>, when it
    /// is ready for <paramref name="interest"/>. Returns 0 or minus the host's error number.</summary>
    public int Arm(int descriptor, Interest interest, long token)
    {
        if (_fallback is not null)
        {
            lock (_fallback) _fallback.Enqueue(new ReadyEvent(token, interest));
            return 0;
        }
        uint events = EPOLLONESHOT | EPOLLRDHUP | ((interest & Interest.Read) != 0 ? EPOLLIN : 0) | ((interest & Interest.Write) != 0 ? EPOLLOUT : 0);
        // Most arms are re-arms of a descriptor already in the set.
        int error = Control(EPOLL_CTL_MOD, descriptor, events, token);
        if (error != HostErrno.ENOENT) return -error;
        error = Control(EPOLL_CTL_ADD, descriptor, events, token);
        // Added by a racing arm between our two calls: modify what it added.
        if (error == HostErrno.EEXIST) error = Control(EPOLL_CTL_MOD, descriptor, events, token);
        return -error;
    }

    /// <summary>Waits until descriptors are ready, <see cref="Interrupt"/> is called, or
    /// <paramref name="timeoutMilliseconds"/> pass (-1: no limit); writes what fired to
    /// <paramref name="ready"/> and returns how many, or minus the host's error number.</summary>
    public int Wait(Span<ReadyEvent> ready, int timeoutMilliseconds)
    {
        if (_fallback is not null) return WaitFallback(ready, timeoutMilliseconds);
        int max = Math.Min(ready.Length, 256);
        byte* events = stackalloc byte[max * EventSize];
        int n;
        while (true)
        {
            n = epoll_wait(_epoll, events, max, timeoutMilliseconds);
            if (n >= 0) break;
            int error = Marshal.GetLastPInvokeError();
            if (error != HostErrno.EINTR) return -error;
        }
        int count = 0;
        byte* drain = stackalloc byte[64];
        for (int i = 0; i < n; i++)
        {
            uint flags = *(uint*)(events + i * EventSize);
            long data = *(long*)(events + i * EventSize + DataOffset);
            if (data == -1)
            {
                while (Posix.read(_wakeRead, drain, 64) > 0) { }
                continue;
            }
            var what = Interest.None;
            if ((flags & (EPOLLIN | EPOLLRDHUP)) != 0) what |= Interest.Read;
            if ((flags & EPOLLOUT) != 0) what |= Interest.Write;
            if ((flags & (EPOLLERR | EPOLLHUP)) != 0) what = Interest.Read | Interest.Write;
            ready[count++] = new ReadyEvent(data, what);
        }
        return count;
    }

    private int WaitFallback(Span<ReadyEvent> ready, int timeoutMilliseconds)
    {
        lock (_fallback!)
        {
            if (_fallback.Count == 0) Monitor.Wait(_fallback, timeoutMilliseconds < 0 ? 10 : Math.Min(timeoutMilliseconds, 10));
            int count = 0;
            while (count < ready.Length && _fallback.TryDequeue(out var e)) ready[count++] = e;
            return count;
        }
    }

    /// <summary>Ends a <see cref="Wait"/> in progress (or the next one) early.</summary>
    public void Interrupt()
    {
        if (_fallback is not null)
        {
            lock (_fallback) Monitor.PulseAll(_fallback);
            return;
        }
        byte one = 1;
        Posix.write(_wakeWrite, &one, 1);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _fallback is not null) return;
        Posix.close(_wakeRead);
        Posix.close(_wakeWrite);
        Posix.close(_epoll);
    }

    // struct epoll_event { uint32_t events; uint64_t data; } is packed on x86-64 (12 bytes) and
    // naturally aligned elsewhere (16 bytes, the data at 8).
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = EventSize - 8;

    /// <summary>epoll_ctl; 0 or the host's error number.</summary>
    private int Control(int operation, int descriptor, uint events, long token)
    {
        byte* e = stackalloc byte[16];
        *(uint*)e = events;
        *(long*)(e + DataOffset) = token;
        return epoll_ctl(_epoll, operation, descriptor, e) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    [LibraryImport("libc", SetLastError = true)] private static partial int epoll_create1(int flags);
    [LibraryImport("libc", SetLastError = true)] private static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);
    [LibraryImport("libc", SetLastError = true)] private static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);
    [LibraryImport("libc", SetLastError = true)] private static partial int pipe2(int* fds, int flags);
}
