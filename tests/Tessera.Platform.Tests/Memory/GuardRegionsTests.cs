using System.Runtime.CompilerServices;
using Tessera.Platform.Memory;

namespace Tessera.Platform.Tests.Memory;

/// <summary>
/// The native fault handler: a fault inside a registered region becomes a catchable
/// <see cref="NullReferenceException"/> with the address recorded for the thread; a null
/// dereference elsewhere stays an ordinary one with nothing recorded. A broken handler ends the
/// test process instead of failing a test, which the test run reports just as surely.
/// </summary>
public sealed unsafe class GuardRegionsTests
{
    [Fact]
    public void A_fault_in_a_region_is_recorded_for_the_faulting_thread()
    {
        Assert.True(GuardRegions.TryEnable(), GuardRegions.UnavailableReason);
        nuint length = 16 * VirtualMemory.PageSize;
        nint region = VirtualMemory.Reserve(length, PageAccess.None);
        GuardRegions.Add(region, length);
        VirtualMemory.Protect(region, VirtualMemory.PageSize, PageAccess.ReadWrite);
        *(int*)region = 42;
        Assert.Equal(42, Read(region, 0));
        Assert.Equal(0, GuardRegions.TakeFault());

        nint faulting = region + (nint)(3 * VirtualMemory.PageSize) + 12;
        Assert.Throws<NullReferenceException>(() => Read(faulting, 0));
        Assert.Equal(faulting, GuardRegions.TakeFault());
        // Taken once: the record is cleared.
        Assert.Equal(0, GuardRegions.TakeFault());
        // Other threads see nothing of this thread's faults.
        Assert.Throws<NullReferenceException>(() => Read(faulting, 4));
        nint seenElsewhere = -1;
        var other = new Thread(() => seenElsewhere = GuardRegions.TakeFault());
        other.Start();
        other.Join();
        Assert.Equal(0, seenElsewhere);
        Assert.Equal(faulting + 4, GuardRegions.TakeFault());
    }

    [Fact]
    public void A_null_dereference_outside_any_region_records_nothing()
    {
        Assert.True(GuardRegions.TryEnable(), GuardRegions.UnavailableReason);
        Assert.Throws<NullReferenceException>(() => Read(0, 8));
        Assert.Equal(0, GuardRegions.TakeFault());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Read(nint address, int offset) => *(int*)(address + offset);
}
