using Tessera.Platform.Clocks;
using Tessera.Wasi.Abi;
using Tessera.Wasi.Memory;
using Tessera.Wasi.Poll;

namespace Tessera.Wasi.Clocks;

/// <summary>
/// clock_res_get and clock_time_get, in nanoseconds. The monotonic clock's time is the waiter's
/// clock (<see cref="IWasiWaiter.Clock"/>), the one poll_oneoff's deadlines are computed on, so a
/// guest under virtual time measures virtual time; realtime and the CPU-time clocks, and every
/// resolution, are the host's (<see cref="HostClock"/>).
/// </summary>
internal static class ClockFunctions
{
    public static Errno ResGet(GuestMemory memory, int id, int resultOut)
    {
        if (!TryHostClock(id, out var clock)) return Errno.Inval;
        if (!HostClock.TryGetResolution(clock, out ulong resolution)) return Errno.NotSup;
        memory.WriteU64(resultOut, resolution);
        return Errno.Success;
    }

    /// <summary>The precision argument is a hint the host clocks cannot use; it is ignored, as the
    /// specification allows.</summary>
    public static Errno TimeGet(GuestMemory memory, IMonotonicClock monotonic, int id, long precision, int resultOut)
    {
        if (!TryHostClock(id, out var clock)) return Errno.Inval;
        ulong now;
        if (clock == HostClockId.Monotonic) now = (ulong)monotonic.NowNanoseconds;
        else if (!HostClock.TryGetTime(clock, out now)) return Errno.NotSup;
        memory.WriteU64(resultOut, now);
        return Errno.Success;
    }

    public static bool TryHostClock(int id, out HostClockId clock)
    {
        clock = (ClockId)(uint)id switch
        {
            ClockId.Realtime => HostClockId.Realtime,
            ClockId.Monotonic => HostClockId.Monotonic,
            ClockId.ProcessCpuTimeId => HostClockId.ProcessCpuTime,
            ClockId.ThreadCpuTimeId => HostClockId.ThreadCpuTime,
            _ => (HostClockId)(-1),
        };
        return (int)clock >= 0;
    }
}
