using System.Numerics;

namespace Tessera.Kernel.Time;

/// <summary>
/// A hierarchical timer wheel (Varghese and Lauck; Tokio's layout): 6 levels of 64 slots with a
/// 1 ms tick. Level <c>l</c>'s slots are 64^l ticks wide, so the wheel covers 64^6 ms (about
/// 2.2 years); a later deadline waits in the last level and is re-filed until it is in range.
/// Insert and cancel are O(1); each tick does O(1) work plus the timers it fires or moves, and a
/// timer moves at most 5 times; an advance of more than 64 ticks skips the ticks at which nothing
/// is due. Memory is one small object per pending timer.
/// </summary>
/// <remarks>
/// Invariant: a timer with deadline <c>d</c> filed at time <c>now</c> sits at the level of the
/// highest 6-bit group in which <c>d</c> and <c>now</c> differ, in slot <c>(d &gt;&gt; 6·level) &amp; 63</c>.
/// When the wheel reaches the start of that slot's span (the lower 6·level bits of the tick are
/// zero and the slot is the tick's), the slot's timers are filed again, one level lower at least;
/// level 0 slots hold timers due exactly at their tick. Not thread-safe: <see cref="TimerService"/>
/// locks around it.
/// </remarks>
internal sealed class TimerWheel
{
    private const int Levels = 6;
    private const int SlotBits = 6;
    private const int Slots = 1 << SlotBits;
    private const long MaxSpan = (1L << (Levels * SlotBits)) - 1;

    /// <summary>Heads of the doubly linked lists of each slot, level-major.</summary>
    private readonly TimerEntry?[] _slots = new TimerEntry?[Levels * Slots];
    private long _now;
    private int _count;

    public TimerWheel(long now = 0) => _now = now;

    /// <summary>The last tick processed.</summary>
    public long Now => _now;

    /// <summary>Pending timers.</summary>
    public int Count => _count;

    /// <summary>Files <paramref name="entry"/> to fire at <paramref name="deadline"/>; a deadline not
    /// after <see cref="Now"/> fires at the next tick.</summary>
    public void Insert(TimerEntry entry, long deadline)
    {
        if (entry.Slot >= 0) throw new InvalidOperationException("the timer is already pending");
        entry.Deadline = Math.Max(deadline, _now + 1);
        File(entry);
        _count++;
    }

    /// <summary>Removes a pending timer; false when it is not pending (fired or cancelled).</summary>
    public bool Cancel(TimerEntry entry)
    {
        if (entry.Slot < 0) return false;
        Unlink(entry);
        _count--;
        return true;
    }

    /// <summary>Moves time forward to <paramref name="now"/>, adding each timer that comes due to
    /// <paramref name="fired"/> in deadline order.</summary>
    public void AdvanceTo(long now, List<TimerEntry> fired)
    {
        while (_now < now)
        {
            // Nothing pending: jump straight to the target.
            if (_count == 0)
            {
                _now = now;
                return;
            }
            // A long way to go (virtual time's jumps; the timer thread moves a tick or two) and
            // nothing due at the next tick: skip the ticks at which no slot holds a timer, which
            // would do nothing.
            if (now - _now > Slots && _slots[(int)((_now + 1) & (Slots - 1))] is null && TryGetNextEvent(out long nextEvent) && nextEvent - 1 > _now)
            {
                _now = Math.Min(nextEvent - 1, now);
                continue;
            }
            long tick = ++_now;
            for (int level = Levels - 1; level >= 1; level--)
            {
                if ((tick & ((1L << (SlotBits * level)) - 1)) != 0) continue;
                int index = level * Slots + (int)((tick >> (SlotBits * level)) & (Slots - 1));
                var entry = _slots[index];
                _slots[index] = null;
                while (entry is not null)
                {
                    var next = entry.Next;
                    entry.Slot = -1;
                    entry.Next = entry.Previous = null;
                    File(entry);
                    entry = next;
                }
            }
            int due = (int)(tick & (Slots - 1));
            var first = _slots[due];
            _slots[due] = null;
            while (first is not null)
            {
                var next = first.Next;
                first.Slot = -1;
                first.Next = first.Previous = null;
                // Only a deadline beyond the wheel's span, filed at its edge, is not due yet.
                if (first.Deadline > tick)
                {
                    File(first);
                }
                else
                {
                    _count--;
                    fired.Add(first);
                }
                first = next;
            }
        }
    }

    /// <summary>The first tick after <see cref="Now"/> at which <see cref="AdvanceTo"/> does
    /// anything: fires a level-0 slot's timers or files a higher slot's timers again. False when
    /// no timer is pending. Scans the 384 slot heads: virtual time's jump, not a hot path.</summary>
    /// <remarks>Slot <c>s</c> of level <c>l</c> is visited at the ticks whose lower 6·l bits are
    /// zero and whose bits 6·l to 6·l+5 are <c>s</c>: the first of them after <see cref="Now"/> is
    /// <c>s · 64^l</c> into the current span of 64^(l+1) ticks, or into the next one when that has
    /// passed.</remarks>
    public bool TryGetNextEvent(out long tick)
    {
        tick = long.MaxValue;
        if (_count == 0) return false;
        for (int level = 0; level < Levels; level++)
        {
            int shift = SlotBits * level;
            long span = 1L << (shift + SlotBits);
            long start = _now & ~(span - 1);
            for (int slot = 0; slot < Slots; slot++)
            {
                if (_slots[level * Slots + slot] is null) continue;
                long visit = start + ((long)slot << shift);
                if (visit <= _now) visit += span;
                if (visit < tick) tick = visit;
            }
        }
        return true;
    }

    private void File(TimerEntry entry)
    {
        long deadline = Math.Min(entry.Deadline, _now + MaxSpan);
        long differing = (deadline ^ _now) | (Slots - 1);
        int level = (63 - BitOperations.LeadingZeroCount((ulong)differing)) / SlotBits;
        if (level >= Levels) level = Levels - 1;
        int index = level * Slots + (int)((deadline >> (SlotBits * level)) & (Slots - 1));
        entry.Slot = index;
        entry.Previous = null;
        entry.Next = _slots[index];
        if (entry.Next is not null) entry.Next.Previous = entry;
        _slots[index] = entry;
    }

    private void Unlink(TimerEntry entry)
    {
        if (entry.Previous is not null) entry.Previous.Next = entry.Next;
        else _slots[entry.Slot] = entry.Next;
        if (entry.Next is not null) entry.Next.Previous = entry.Previous;
        entry.Slot = -1;
        entry.Next = entry.Previous = null;
    }
}

/// <summary>A timer: its deadline, what to do when it fires, and its place in the wheel.</summary>
internal sealed class TimerEntry(Action<TimerEntry> fire)
{
    internal TimerEntry? Next;
    internal TimerEntry? Previous;
    /// <summary>Index of the slot holding it, -1 when not pending.</summary>
    internal int Slot = -1;

    public long Deadline { get; internal set; }

    public bool IsPending => Slot >= 0;

    internal void Fire() => fire(this);
}
