namespace Tessera.Platform.Clocks;

/// <summary>
/// Virtual time: a monotonic clock that moves only when told (Tokio's paused clock). Tests drive
/// timers with it, and the kernel's deterministic mode moves it to the next timer deadline when
/// every task is idle. Reads and moves are atomic, so another thread may read it while it moves.
/// </summary>
public sealed class ManualClock : IMonotonicClock
{
    private long _now;

    /// <summary>A clock reading <paramref name="startNanoseconds"/> (0 by default).</summary>
    public ManualClock(long startNanoseconds = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startNanoseconds);
        _now = startNanoseconds;
    }

    public long NowNanoseconds => Interlocked.Read(ref _now);

    /// <summary>Moves the clock forward by <paramref name="by"/>; a negative span is refused (the
    /// clock is monotonic).</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _now, by.Ticks * 100);
    }

    /// <summary>Moves the clock to <paramref name="nanoseconds"/> if that is later than now; an
    /// earlier value leaves it where it is.</summary>
    public void AdvanceTo(long nanoseconds)
    {
        long now = Interlocked.Read(ref _now);
        while (nanoseconds > now)
        {
            long seen = Interlocked.CompareExchange(ref _now, nanoseconds, now);
            if (seen == now) return;
            now = seen;
        }
    }
}
