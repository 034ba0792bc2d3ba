using Tessera.Platform.Clocks;

namespace Tessera.Platform.Tests.Clocks;

/// <summary>The clock seam: the host's monotonic clock is CLOCK_MONOTONIC (<see cref="HostClock"/>)
/// and never goes back; a <see cref="ManualClock"/> moves only forward and only when told.</summary>
public sealed class MonotonicClockTests
{
    [Fact]
    public void TheHostClockIsHostClocksMonotonicClockAndNeverGoesBack()
    {
        Assert.True(HostClock.TryGetTime(HostClockId.Monotonic, out ulong before));
        long previous = HostMonotonicClock.Instance.NowNanoseconds;
        Assert.True(HostClock.TryGetTime(HostClockId.Monotonic, out ulong after));
        Assert.InRange(previous, (long)before, (long)after);
        for (int i = 0; i < 10_000; i++)
        {
            long now = HostMonotonicClock.Instance.NowNanoseconds;
            Assert.True(now >= previous, $"{now} after {previous}");
            previous = now;
        }
    }

    [Fact]
    public void AManualClockMovesOnlyForwardAndOnlyWhenTold()
    {
        var clock = new ManualClock(startNanoseconds: 10);
        Assert.Equal(10, clock.NowNanoseconds);
        clock.AdvanceTo(5);
        Assert.Equal(10, clock.NowNanoseconds);
        clock.AdvanceTo(25);
        Assert.Equal(25, clock.NowNanoseconds);
        // A tick of TimeSpan is 100 ns.
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(125, clock.NowNanoseconds);
        clock.Advance(TimeSpan.FromMilliseconds(3));
        Assert.Equal(3_000_125, clock.NowNanoseconds);
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ManualClock(-1));
        Assert.Equal(3_000_125, clock.NowNanoseconds);
    }

    [Fact]
    public void AdvancesFromManyThreadsAddUp()
    {
        var clock = new ManualClock();
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 10_000; i++) clock.Advance(TimeSpan.FromTicks(1));
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        // 4 threads x 10,000 advances x 100 ns
        Assert.Equal(4_000_000, clock.NowNanoseconds);
    }
}
