namespace Tessera.Kernel.Time;

/// <summary>
/// The kernel's timers: a <see cref="TimerWheel"/> behind a lock, advanced to the clock's time by
/// <see cref="Poll"/>. The kernel's timer thread polls every millisecond; tests with a
/// <see cref="ManualClock"/> poll themselves. Timers fire on the polling thread, outside the lock.
/// </summary>
public sealed class TimerService(IClock clock)
{
    private readonly TimerWheel _wheel = new(clock.NowMilliseconds);
    private readonly List<TimerEntry> _fired = new();
    private readonly Lock _lock = new();

    public IClock Clock { get; } = clock;

    public int Pending
    {
        get { lock (_lock) return _wheel.Count; }
    }

    /// <summary>Arms <paramref name="entry"/> to fire <paramref name="milliseconds"/> from now. The
    /// deadline saturates: a guest's timeout near <see cref="long.MaxValue"/> waited one tick when
    /// the sum wrapped negative; now it lies past the wheel's span and never comes due.</summary>
    public void Start(TimerEntry entry, long milliseconds)
    {
        lock (_lock)
        {
            long now = Clock.NowMilliseconds;
            long delay = Math.Max(0, milliseconds);
            _wheel.Insert(entry, delay > long.MaxValue - now ? long.MaxValue : now + delay);
        }
    }

    /// <summary>Disarms a pending timer; false when it already fired or was never armed.</summary>
    public bool Cancel(TimerEntry entry)
    {
        lock (_lock) return _wheel.Cancel(entry);
    }

    /// <summary>Fires every timer due by now; returns how many fired.</summary>
    public int Poll()
    {
        TimerEntry[] due;
        lock (_lock)
        {
            _wheel.AdvanceTo(Clock.NowMilliseconds, _fired);
            if (_fired.Count == 0) return 0;
            due = _fired.ToArray();
            _fired.Clear();
        }
        foreach (var entry in due) entry.Fire();
        return due.Length;
    }
}
