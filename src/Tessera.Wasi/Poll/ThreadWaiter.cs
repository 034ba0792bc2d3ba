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

    public WaitProgress Begin(Caller caller) => WaitProgress.Start;

    public bool Wait(Caller caller, ReadOnlySpan<HostWait> descriptors, long deadline, WaitProgress progress)
    {
        Block(descriptors, deadline);
        return true;
    }

    public bool Yield(Caller caller)
    {
        Thread.Yield();
        return false;
    }

    /// <summary>Blocks until a descriptor is ready or the deadline passes.</summary>
    public static void Block(ReadOnlySpan<HostWait> descriptors, long deadline)
    {
        long timeout = -1;
        if (deadline != WaitProgress.NoDeadline)
        {
            long now = HostClock.TryGetTime(HostClockId.Monotonic, out ulong t) ? (long)t : 0;
            timeout = Math.Max(0, deadline - now);
        }
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
