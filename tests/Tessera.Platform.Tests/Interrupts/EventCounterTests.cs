using Tessera.Platform.Interrupts;
using Tessera.Platform.Polling;

namespace Tessera.Platform.Tests.Interrupts;

/// <summary>The pollable event counter interrupt lines are made of (eventfd(2) semantics: a
/// write adds, a read returns the sum and resets, readable while the sum is above zero).</summary>
public sealed class EventCounterTests
{
    private static bool Readable(EventCounter counter)
    {
        Span<PollRequest> request = [new PollRequest { Descriptor = counter.Descriptor, Read = true }];
        Assert.True(HostPoll.Wait(request, 0) >= 0);
        return request[0].Ready;
    }

    [Fact]
    public void Events_add_up_until_taken_and_the_descriptor_is_readable_meanwhile()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Throws<PlatformNotSupportedException>(() => new EventCounter());
            return;
        }
        using var counter = new EventCounter();
        Assert.False(Readable(counter));
        Assert.Equal(0UL, counter.Take());
        Assert.True(counter.Add());
        Assert.True(counter.Add(41));
        Assert.True(Readable(counter));
        Assert.Equal(42UL, counter.Take());
        Assert.False(Readable(counter));
        Assert.Equal(0UL, counter.Take());
    }

    [Fact]
    public void Adds_from_many_threads_are_each_counted_once()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var counter = new EventCounter();
        ulong taken = 0;
        var adders = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 10_000; i++) Assert.True(counter.Add());
        })).ToList();
        adders.ForEach(t => t.Start());
        while (adders.Any(t => t.IsAlive)) taken += counter.Take();
        taken += counter.Take();
        // 4 threads x 10,000
        Assert.Equal(40_000UL, taken);
    }

    [Fact]
    public void A_disposed_counter_refuses_adds_and_takes_nothing()
    {
        if (!OperatingSystem.IsLinux()) return;
        var counter = new EventCounter();
        counter.Add(3);
        counter.Dispose();
        Assert.False(counter.Add());
        Assert.Equal(0UL, counter.Take());
        counter.Dispose();
    }
}
