namespace Tessera.Platform.Clocks;

/// <summary>The host's monotonic clock (<see cref="HostClock"/>, <see cref="HostClockId.Monotonic"/>:
/// CLOCK_MONOTONIC on Linux) behind the <see cref="IMonotonicClock"/> seam.</summary>
public sealed class HostMonotonicClock : IMonotonicClock
{
    public static HostMonotonicClock Instance { get; } = new();

    private HostMonotonicClock() { }

    /// <summary>0 on a host without a monotonic clock (none that .NET runs on).</summary>
    public long NowNanoseconds => HostClock.TryGetTime(HostClockId.Monotonic, out ulong now) ? (long)now : 0;
}
