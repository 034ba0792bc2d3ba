using System.Diagnostics;

namespace Tessera.Kernel.Time;

/// <summary>
/// Milliseconds on a monotonic clock: the seam between the kernel's timers and real time, so tests
/// drive timers with <see cref="ManualClock"/> (STYLE: time behind a seam).
/// </summary>
public interface IClock
{
    long NowMilliseconds { get; }
}

/// <summary>The host's monotonic clock (<see cref="Stopwatch"/>), zero when it was made.</summary>
public sealed class SystemClock : IClock
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public long NowMilliseconds => (long)Stopwatch.GetElapsedTime(_start).TotalMilliseconds;
}

/// <summary>A clock that moves only when told: virtual time for deterministic tests.</summary>
public sealed class ManualClock : IClock
{
    private long _now;

    public long NowMilliseconds => Interlocked.Read(ref _now);

    public void Advance(long milliseconds) => Interlocked.Add(ref _now, milliseconds);
}
