using Tessera.Platform.Clocks;
using Tessera.Platform.Polling;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasi.Poll;

/// <summary>Waits by blocking the calling thread in the host's poll: how a program that is not a
/// kernel task (or one that cannot park here, with a host frame on its stack) waits.</summary>
public sealed class ThreadWaiter : IWasiWaiter
{
    public static ThreadWaiter Instance { get; } = new();

    private ThreadWaiter() { }

    /// <summary>The host's monotonic clock: a thread blocks in the host's poll, which counts real time.</summary>
    public IMonotonicClock Clock => HostMonotonicClock.Instance;

    public WaitProgress Begin(Caller caller) => WaitProgress.Start;

    public bool Wait(Caller caller, ReadOnlySpan<HostWait> descriptors, long deadline, WaitProgress progress)
    {
        Block(descriptors, deadline, Clock);
        return true;
    }

    public bool Yield(Caller caller)
    {
        Thread.Yield();
        return false;
    }

    /// <summary>Blocks until a descriptor is ready or <paramref name="deadline"/> (nanoseconds on
    /// <paramref name="clock"/>, the host's monotonic clock when none) passes. The host's poll
    /// counts real time: on a virtual clock this blocks for the virtual time left, then the caller
    /// looks at its clock again.</summary>
    public static void Block(ReadOnlySpan<HostWait> descriptors, long deadline, IMonotonicClock? clock = null)
    {
        long timeout = -1;
        if (deadline != WaitProgress.NoDeadline) timeout = Math.Max(0, deadline - (clock ?? HostMonotonicClock.Instance).NowNanoseconds);
        var requests = new PollRequest[descriptors.Length];
        for (int i = 0; i < descriptors.Length; i++)
        {
            requests[i] = new PollRequest
            {
                Descriptor = descriptors[i].Descriptor,
                Read = (descriptors[i].Interest & Interest.Read) != 0,
                Write = (descriptors[i].Interest & Interest.Write) != 0,
            };
        }
        HostPoll.Wait(requests, timeout);
    }
}
