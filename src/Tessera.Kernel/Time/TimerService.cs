using Tessera.Platform.Clocks;

namespace Tessera.Kernel.Time;

/// <summary>
/// The kernel's timers: a <see cref="TimerWheel"/> of 1 ms ticks behind a lock, advanced to the
/// clock's time by <see cref="Poll"/>. The clock is the seam (<see cref="IMonotonicClock"/>): the
/// host's in the kernel's normal mode, whose timer thread polls every millisecond; a
/// <see cref="ManualClock"/> under virtual time, which <see cref="AdvanceToNextTimer"/> moves to
/// the next deadline. Timers fire on the polling thread, outside the lock.
/// </summary>
internal sealed class TimerService(IMonotonicClock clock)
{
    private const long NanosecondsPerTick = 1_000_000;

    private readonly TimerWheel _wheel = new(clock.NowNanoseconds / NanosecondsPerTick);
    private readonly List<TimerEntry> _fired = new();
    private readonly Lock _lock = new();

    public IMonotonicClock Clock { get; } = clock;

    /// <summary>The clock in the wheel's ticks (whole milliseconds, rounded down).</summary>
    public long NowMilliseconds => Clock.NowNanoseconds / NanosecondsPerTick;

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
            long now = NowMilliseconds;
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
            _wheel.AdvanceTo(NowMilliseconds, _fired);
            if (_fired.Count == 0) return 0;
            due = _fired.ToArray();
            _fired.Clear();
        }
        foreach (var entry in due) entry.Fire();
        return due.Length;
    }

    /// <summary>Virtual time's jump: moves <paramref name="virtualClock"/> (this service's clock) to
    /// the wheel's next event, the tick at which a timer comes due or a slot of timers moves down a
    /// level, and fires what is due then. Returns false, moving nothing, when no timer is pending.
    /// A jump that only moved timers down fires none; the caller calls again.</summary>
    public bool AdvanceToNextTimer(ManualClock virtualClock)
    {
        if (!ReferenceEquals(virtualClock, Clock)) throw new ArgumentException("not this timer service's clock", nameof(virtualClock));
        long next;
        lock (_lock)
        {
            if (!_wheel.TryGetNextEvent(out next)) return false;
        }
        virtualClock.AdvanceTo(next * NanosecondsPerTick);
        Poll();
        return true;
    }
}
