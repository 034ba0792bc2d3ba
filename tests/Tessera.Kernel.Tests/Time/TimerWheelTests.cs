using Tessera.Kernel.Time;
using Tessera.Platform.Clocks;

namespace Tessera.Kernel.Tests.Time;

/// <summary>
/// The timer wheel under virtual time: every timer fires at the first advance that reaches its
/// deadline and never earlier, across level boundaries (64, 4096, 2^18 ... ms), with cancels, and
/// at a million pending timers. The expected tick of each timer is its deadline, by definition.
/// </summary>
public class TimerWheelTests
{
    private static TimerEntry Entry(List<(TimerEntry, long)> log, TimerWheel wheel) => new(e => log.Add((e, wheel.Now)));

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(262_144)]
    [InlineData(262_145 + 64 * 5)]
    public void FiresExactlyAtItsDeadlineTickByTick(long deadline)
    {
        var wheel = new TimerWheel(now: 0);
        var fired = new List<TimerEntry>();
        var entry = new TimerEntry(_ => { });
        wheel.Insert(entry, deadline);
        for (long tick = 1; tick <= deadline + 1; tick++)
        {
            wheel.AdvanceTo(tick, fired);
            if (tick < deadline) Assert.Empty(fired);
            if (tick == deadline) Assert.Equal([entry], fired);
        }
        Assert.Equal(0, wheel.Count);
        Assert.False(entry.IsPending);
    }

    [Fact]
    public void RandomDeadlinesFireInTheAdvanceThatReachesThem()
    {
        var random = new Random(5);
        long start = 123_456_789;
        var wheel = new TimerWheel(start);
        var entries = new List<TimerEntry>();
        for (int i = 0; i < 20_000; i++)
        {
            var entry = new TimerEntry(_ => { });
            wheel.Insert(entry, start + 1 + random.NextInt64(1 << random.Next(1, 26)));
            entries.Add(entry);
        }
        var cancelled = entries.Where((_, i) => i % 7 == 0).ToList();
        foreach (var entry in cancelled) Assert.True(wheel.Cancel(entry));
        var fired = new List<TimerEntry>();
        var seen = new HashSet<TimerEntry>();
        long now = start;
        while (wheel.Count > 0)
        {
            long target = now + 1 + random.Next(100_000);
            wheel.AdvanceTo(target, fired);
            foreach (var entry in fired)
            {
                Assert.InRange(entry.Deadline, now + 1, target);
                Assert.True(seen.Add(entry));
            }
            fired.Clear();
            now = target;
        }
        Assert.Equal(entries.Count - cancelled.Count, seen.Count);
        Assert.DoesNotContain(cancelled, seen.Contains);
    }

    [Fact]
    public void DeadlineInThePastFiresAtTheNextTick()
    {
        var wheel = new TimerWheel(now: 1000);
        var entry = new TimerEntry(_ => { });
        wheel.Insert(entry, 10);
        var fired = new List<TimerEntry>();
        wheel.AdvanceTo(1001, fired);
        Assert.Equal([entry], fired);
    }

    [Fact]
    public void AMillionPendingTimersAllFire()
    {
        var wheel = new TimerWheel();
        const int count = 1_000_000;
        for (int i = 0; i < count; i++) wheel.Insert(new TimerEntry(_ => { }), 1 + (i * 7919L % 600_000));
        Assert.Equal(count, wheel.Count);
        var fired = new List<TimerEntry>(count);
        wheel.AdvanceTo(600_000, fired);
        Assert.Equal(count, fired.Count);
        Assert.Equal(0, wheel.Count);
        for (int i = 1; i < fired.Count; i++) Assert.True(fired[i - 1].Deadline <= fired[i].Deadline);
    }

    [Fact]
    public void TimerServiceFiresOnPollWithManualClock()
    {
        var clock = new ManualClock();
        var timers = new TimerService(clock);
        int fired = 0;
        timers.Start(new TimerEntry(_ => fired++), 10);
        clock.Advance(TimeSpan.FromMilliseconds(9));
        Assert.Equal(0, timers.Poll());
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, timers.Poll());
        Assert.Equal(1, fired);
    }

    [Fact]
    public void AHugeDelaySaturatesInsteadOfWrapping()
    {
        var clock = new ManualClock();
        clock.Advance(TimeSpan.FromMilliseconds(5));
        var timers = new TimerService(clock);
        int fired = 0;
        // 5 + long.MaxValue wraps negative: the timer fired at the next poll.
        timers.Start(new TimerEntry(_ => fired++), long.MaxValue);
        timers.Start(new TimerEntry(_ => fired++), long.MaxValue - 4);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, timers.Poll());
        // A hundred seconds on, one millisecond tick at a time as the kernel's timer thread polls.
        for (int i = 0; i < 100; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(0, timers.Poll());
        }
        Assert.Equal(0, fired);
        Assert.Equal(2, timers.Pending);
    }
    [Fact]
    public void JumpingFromEventToEventFiresEveryTimerAtItsDeadline()
    {
        // What virtual time does: never tick by tick, only to the wheel's next event. Each timer
        // must still fire when the wheel stands exactly at its deadline, including deadlines past
        // the wheel's span (64^6 ticks) that are filed again at its edge.
        var random = new Random(11);
        long start = 987_654_321;
        var wheel = new TimerWheel(start);
        var deadlines = new Dictionary<TimerEntry, long>();
        for (int i = 0; i < 5_000; i++)
        {
            long deadline = start + 1 + random.NextInt64(1L << random.Next(1, 40));
            var entry = new TimerEntry(_ => { });
            wheel.Insert(entry, deadline);
            deadlines[entry] = deadline;
        }
        var fired = new List<TimerEntry>();
        int count = 0, jumps = 0;
        while (wheel.TryGetNextEvent(out long next))
        {
            Assert.True(next > wheel.Now);
            wheel.AdvanceTo(next, fired);
            jumps++;
            foreach (var entry in fired) Assert.Equal(deadlines[entry], wheel.Now);
            count += fired.Count;
            fired.Clear();
        }
        Assert.Equal(deadlines.Count, count);
        // Every jump is a firing or one of at most five moves down per timer.
        Assert.InRange(jumps, 1, 6 * deadlines.Count);
    }

    [Fact]
    public void AnEmptyWheelHasNoNextEvent()
    {
        var wheel = new TimerWheel(now: 70);
        Assert.False(wheel.TryGetNextEvent(out _));
        var entry = new TimerEntry(_ => { });
        wheel.Insert(entry, 75);
        Assert.True(wheel.TryGetNextEvent(out long next));
        Assert.Equal(75, next);
        wheel.Cancel(entry);
        Assert.False(wheel.TryGetNextEvent(out _));
    }

    [Fact]
    public void AdvanceToNextTimerMovesTheManualClockToTheDeadline()
    {
        var clock = new ManualClock(startNanoseconds: 3_500_000);
        var timers = new TimerService(clock);
        var firedAt = new List<long>();
        timers.Start(new TimerEntry(_ => firedAt.Add(clock.NowNanoseconds)), 100);
        timers.Start(new TimerEntry(_ => firedAt.Add(clock.NowNanoseconds)), 5_000);
        while (timers.AdvanceToNextTimer(clock)) { }
        // Started at 3 ms (3.5 rounded down to the wheel's tick): due at 103 ms and 5,003 ms.
        Assert.Equal([103_000_000L, 5_003_000_000], firedAt);
        Assert.Throws<ArgumentException>(() => timers.AdvanceToNextTimer(new ManualClock()));
    }
}
