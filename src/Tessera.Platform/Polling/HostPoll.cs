using System.Runtime.InteropServices;
using Tessera.Platform.Files;

namespace Tessera.Platform.Polling;

/// <summary>What to wait for on one descriptor, and what happened (<see cref="Ready"/>).</summary>
public struct PollRequest
{
    public int Descriptor;
    public bool Read;
    public bool Write;
    /// <summary>After <see cref="HostPoll.Wait"/>: readable (or hung up) / writable, as asked.</summary>
    public bool Ready;
    /// <summary>After <see cref="HostPoll.Wait"/>: the peer hung up.</summary>
    public bool HangUp;
    /// <summary>After <see cref="HostPoll.Wait"/>: the descriptor is not open or in error.</summary>
    public bool Error;
}

/// <summary>
/// Waits until one of several host descriptors is ready or a timeout passes (ppoll on Linux,
/// nanosecond timeout). With no descriptors it is a sleep.
/// </summary>
public static unsafe partial class HostPoll
{
    private const short POLLIN = 1, POLLOUT = 4, POLLERR = 8, POLLHUP = 0x10, POLLNVAL = 0x20;

    /// <summary>Waits at most <paramref name="timeoutNanoseconds"/> (negative: forever); returns
    /// how many requests are ready, or minus a host error number.</summary>
    public static int Wait(Span<PollRequest> requests, long timeoutNanoseconds)
    {
        if (!OperatingSystem.IsLinux())
        {
            if (requests.IsEmpty && timeoutNanoseconds > 0) Thread.Sleep(TimeSpan.FromTicks(timeoutNanoseconds / 100));
            for (int i = 0; i < requests.Length; i++) requests[i].Ready = true;
            return requests.Length;
        }
        // struct pollfd { int fd; short events; short revents; }
        var fds = new long[Math.Max(1, requests.Length)];
        fixed (long* raw = fds)
        {
            byte* p = (byte*)raw;
            for (int i = 0; i < requests.Length; i++)
            {
                *(int*)(p + 8 * i) = requests[i].Descriptor;
                *(short*)(p + 8 * i + 4) = (short)((requests[i].Read ? POLLIN : 0) | (requests[i].Write ? POLLOUT : 0));
            }
            long* ts = stackalloc long[2];
            ts[0] = timeoutNanoseconds / 1_000_000_000;
            ts[1] = timeoutNanoseconds % 1_000_000_000;
            int r;
            while (true)
            {
                r = ppoll(p, (nuint)requests.Length, timeoutNanoseconds < 0 ? null : ts, null);
                // A signal delivered to the runtime interrupts the wait: wait again (the timeout
                // restarts, so a wait can run long by one interval per signal, never short).
                if (r >= 0 || Marshal.GetLastPInvokeError() != HostErrno.EINTR) break;
            }
            if (r < 0) return -Marshal.GetLastPInvokeError();
            for (int i = 0; i < requests.Length; i++)
            {
                short revents = *(short*)(p + 8 * i + 6);
                requests[i].HangUp = (revents & POLLHUP) != 0;
                requests[i].Error = (revents & (POLLERR | POLLNVAL)) != 0;
                requests[i].Ready = revents != 0;
            }
            return r;
        }
    }

    [LibraryImport("libc", SetLastError = true)] private static partial int ppoll(byte* fds, nuint nfds, long* timeout, void* sigmask);
}
