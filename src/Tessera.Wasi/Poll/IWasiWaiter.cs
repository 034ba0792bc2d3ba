using Tessera.Platform.Clocks;
using Tessera.Platform.Polling;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasi.Poll;

/// <summary>
/// How a WASI call that cannot complete yet waits: a program run on its own blocks its thread
/// (<see cref="ThreadWaiter"/>); a task of the kernel is parked until a descriptor is ready or a
/// deadline passes, holding no thread, and its call is made again when it resumes (a restart, as
/// for an interrupted Unix system call). The functions that wait are written for both: they begin
/// with <see cref="Begin"/>, keep what they achieved before waiting in a <see cref="WaitProgress"/>,
/// and return at once when <see cref="Wait"/> says the task parked.
/// </summary>
public interface IWasiWaiter
{
    /// <summary>The clock deadlines passed to <see cref="Wait"/> are read on, and the guest's
    /// monotonic clock (clock_time_get): the host's for <see cref="ThreadWaiter"/>, the kernel's
    /// (virtual time in its deterministic mode) for a task.</summary>
    IMonotonicClock Clock { get; }

    /// <summary>Called first by each WASI function that can wait. On a resumption it ends the
    /// rewind and returns the progress saved when the call parked; otherwise
    /// <see cref="WaitProgress.Start"/>.</summary>
    WaitProgress Begin(Caller caller);

    /// <summary>The call cannot go on until one of <paramref name="descriptors"/> is ready or
    /// <paramref name="deadline"/> (nanoseconds on <see cref="Clock"/>; <see cref="WaitProgress.NoDeadline"/>)
    /// passes. Returns true after waiting on this thread (try again), or false when the caller's task
    /// parked with <paramref name="progress"/> saved (return now: the result is ignored, and the
    /// function is called again with the same arguments when the task resumes).</summary>
    bool Wait(Caller caller, ReadOnlySpan<HostWait> descriptors, long deadline, WaitProgress progress);

    /// <summary>sched_yield: lets other work run. True when the caller's task parked (return now).</summary>
    bool Yield(Caller caller);
}

/// <summary>A host descriptor and what to wait for on it.</summary>
public readonly record struct HostWait(int Descriptor, Interest Interest);

/// <summary>What a waiting call had done when it parked: whether this call is a resumption, and
/// the call's own bookkeeping (bytes already moved, or when the call began).</summary>
public readonly record struct WaitProgress(bool Resumed, long Done)
{
    public const long NoDeadline = long.MaxValue;

    public static WaitProgress Start => default;
}
