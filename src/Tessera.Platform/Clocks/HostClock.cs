using System.Runtime.InteropServices;

namespace Tessera.Platform.Clocks;

/// <summary>The host's clocks, numbered as POSIX numbers them on Linux.</summary>
public enum HostClockId
{
    Realtime = 0,
    Monotonic = 1,
    ProcessCpuTime = 2,
    ThreadCpuTime = 3,
}

/// <summary>
/// clock_gettime and clock_getres in nanoseconds. Off Linux, realtime and monotonic come from
/// .NET (DateTime, Stopwatch) and the CPU-time clocks from the process's processor time.
/// </summary>
public static unsafe partial class HostClock
{
    /// <summary>The clock's current value in nanoseconds, or false if the host has no such clock.</summary>
    public static bool TryGetTime(HostClockId id, out ulong nanoseconds)
    {
        nanoseconds = 0;
        if (OperatingSystem.IsLinux())
        {
            long* ts = stackalloc long[2];
            if (clock_gettime((int)id, ts) != 0) return false;
            nanoseconds = unchecked((ulong)ts[0] * 1_000_000_000UL + (ulong)ts[1]);
            return true;
        }
        switch (id)
        {
            case HostClockId.Realtime:
                nanoseconds = (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
                return true;
            case HostClockId.Monotonic:
                nanoseconds = (ulong)(System.Diagnostics.Stopwatch.GetTimestamp() * (1e9 / System.Diagnostics.Stopwatch.Frequency));
                return true;
            default:
                nanoseconds = (ulong)Environment.CpuUsage.TotalTime.Ticks * 100;
                return true;
        }
    }

    /// <summary>The clock's resolution in nanoseconds.</summary>
    public static bool TryGetResolution(HostClockId id, out ulong nanoseconds)
    {
        nanoseconds = 0;
        if (OperatingSystem.IsLinux())
        {
            long* ts = stackalloc long[2];
            if (clock_getres((int)id, ts) != 0) return false;
            nanoseconds = unchecked((ulong)ts[0] * 1_000_000_000UL + (ulong)ts[1]);
            return true;
        }
        nanoseconds = 100;
        return true;
    }

    [LibraryImport("libc")] private static partial int clock_gettime(int clock, long* timespec);
    [LibraryImport("libc")] private static partial int clock_getres(int clock, long* timespec);
}
