using System.Buffers.Binary;
using Tessera.Platform.Clocks;
using Tessera.Platform.Polling;
using Tessera.Wasi.Abi;
using Tessera.Wasi.Memory;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasi.Poll;

/// <summary>
/// poll_oneoff: waits until at least one subscription fires, then reports every one that has.
/// Clock subscriptions become one deadline on the waiter's monotonic clock
/// (<see cref="IWasiWaiter.Clock"/>); descriptor subscriptions on pipes, terminals and sockets are
/// waited on with the host's poll; regular files, directories and embedder streams are always
/// ready (as POSIX poll says of regular files). Problems with one
/// subscription (a closed descriptor, missing rights) are reported in its event, not as the call's
/// result. Waiting goes through the <see cref="IWasiWaiter"/>; a task that parked calls again with
/// the time the call first began as its progress, so relative timeouts do not restart.
/// </summary>
internal static class PollFunctions
{
    /// <summary>
    /// Subscriptions one call may hold; more is EINVAL, as poll(2) refuses more descriptors than
    /// RLIMIT_NOFILE. The call keeps a few host records per subscription, so this bounds what the
    /// guest's count makes the host allocate (about 100 bytes each). wasi-libc's poll() asks at most
    /// two per descriptor plus one clock, so 2,047 descriptors fit.
    /// </summary>
    public const int MaxSubscriptions = 4096;

    private readonly record struct Event(ulong UserData, Errno Error, EventType Type, ulong Bytes, EventRwFlags Flags);

    public static Errno PollOneoff(WasiContext ctx, IWasiWaiter waiter, Caller caller, GuestMemory memory, int input, int output, int count, int resultOut)
    {
        var progress = waiter.Begin(caller);
        if (count == 0) return Errno.Inval;
        var subscriptions = memory.Slice(input, (long)(uint)count * Layouts.SubscriptionSize);
        memory.Slice(output, (long)(uint)count * Layouts.EventSize);
        memory.Slice(resultOut, 4);
        if ((uint)count > MaxSubscriptions) return Errno.Inval;

        var events = new List<Event>();
        var clocks = new List<(ulong UserData, ulong Deadline)>();
        var waits = new List<PollRequest>();
        var waitUserData = new List<(ulong UserData, EventType Type, int Fd)>();
        ulong now = progress.Resumed ? (ulong)progress.Done : Monotonic(waiter);
        progress = progress with { Done = (long)now };
        for (int i = 0; i < count; i++)
        {
            var s = subscriptions.Slice(i * Layouts.SubscriptionSize, Layouts.SubscriptionSize);
            ulong userData = BinaryPrimitives.ReadUInt64LittleEndian(s);
            var type = (EventType)s[8];
            switch (type)
            {
                case EventType.Clock:
                    var id = (ClockId)BinaryPrimitives.ReadUInt32LittleEndian(s[16..]);
                    ulong timeout = BinaryPrimitives.ReadUInt64LittleEndian(s[24..]);
                    bool absolute = ((SubclockFlags)BinaryPrimitives.ReadUInt16LittleEndian(s[40..]) & SubclockFlags.Abstime) != 0;
                    if (id is ClockId.Monotonic or ClockId.Realtime)
                    {
                        // Relative timeouts count from when the call began (`now`, the same on a
                        // resumption); a realtime deadline is turned into a monotonic one now.
                        ulong from = now, remaining = timeout;
                        if (absolute && id == ClockId.Monotonic)
                        {
                            (from, remaining) = (0, timeout);
                        }
                        else if (absolute)
                        {
                            ulong realNow = Realtime();
                            (from, remaining) = (Monotonic(waiter), timeout > realNow ? timeout - realNow : 0);
                        }
                        clocks.Add((userData, from + remaining < from ? ulong.MaxValue : from + remaining));
                    }
                    else
                    {
                        // Waiting on CPU time would need a timer on the process's own clock; the
                        // subscription fails instead of firing at a wrong time.
                        events.Add(new(userData, id is ClockId.ProcessCpuTimeId or ClockId.ThreadCpuTimeId ? Errno.NotSup : Errno.Inval, type, 0, 0));
                    }
                    break;
                case EventType.FdRead or EventType.FdWrite:
                    int fd = BinaryPrimitives.ReadInt32LittleEndian(s[16..]);
                    if (!ctx.Descriptors.TryGet(fd, out var d))
                    {
                        events.Add(new(userData, Errno.BadF, type, 0, 0));
                    }
                    else if ((d!.Base & Rights.PollFdReadwrite) == 0)
                    {
                        events.Add(new(userData, Errno.NotCapable, type, 0, 0));
                    }
                    else if (d.PollHandle < 0)
                    {
                        events.Add(new(userData, Errno.Success, type, type == EventType.FdRead ? d.ReadableBytes : 0, 0));
                    }
                    else
                    {
                        waits.Add(new PollRequest { Descriptor = d.PollHandle, Read = type == EventType.FdRead, Write = type == EventType.FdWrite });
                        waitUserData.Add((userData, type, fd));
                    }
                    break;
                default:
                    return Errno.Inval;
            }
        }

        var requests = waits.ToArray();
        var hostWaits = requests.Select(r => new HostWait(r.Descriptor, r.Read ? Interest.Read : Interest.Write)).ToArray();
        while (true)
        {
            if (requests.Length > 0)
            {
                int r = HostPoll.Wait(requests, 0);
                if (r < 0) return HostErrors.FromResult(r);
            }
            for (int i = 0; i < requests.Length; i++)
            {
                if (!requests[i].Ready) continue;
                var (userData, type, fd) = waitUserData[i];
                var error = requests[i].Error && !requests[i].HangUp ? Errno.BadF : Errno.Success;
                ulong bytes = type == EventType.FdRead && ctx.Descriptors.TryGet(fd, out var d) ? d!.ReadableBytes : 0;
                events.Add(new(userData, error, type, bytes, requests[i].HangUp ? EventRwFlags.FdReadwriteHangup : 0));
            }
            now = Monotonic(waiter);
            foreach (var (userData, deadline) in clocks)
            {
                if (deadline <= now) events.Add(new(userData, Errno.Success, EventType.Clock, 0, 0));
            }
            if (events.Count > 0) break;
            long earliest = clocks.Count > 0 ? (long)Math.Min(clocks.Min(c => c.Deadline), (ulong)long.MaxValue - 1) : WaitProgress.NoDeadline;
            if (!waiter.Wait(caller, hostWaits, earliest, progress)) return Errno.Success;
        }

        var outBytes = memory.Slice(output, (long)events.Count * Layouts.EventSize);
        outBytes.Clear();
        for (int i = 0; i < events.Count; i++)
        {
            var e = outBytes.Slice(i * Layouts.EventSize, Layouts.EventSize);
            BinaryPrimitives.WriteUInt64LittleEndian(e, events[i].UserData);
            BinaryPrimitives.WriteUInt16LittleEndian(e[8..], (ushort)events[i].Error);
            e[10] = (byte)events[i].Type;
            BinaryPrimitives.WriteUInt64LittleEndian(e[16..], events[i].Bytes);
            BinaryPrimitives.WriteUInt16LittleEndian(e[24..], (ushort)events[i].Flags);
        }
        memory.WriteU32(resultOut, (uint)events.Count);
        return Errno.Success;
    }

    /// <summary>Deadlines are on the waiter's clock, the one its <see cref="IWasiWaiter.Wait"/> counts them on.</summary>
    private static ulong Monotonic(IWasiWaiter waiter) => (ulong)waiter.Clock.NowNanoseconds;
    private static ulong Realtime() => HostClock.TryGetTime(HostClockId.Realtime, out ulong t) ? t : 0;
}
