namespace Tessera.Platform.Clocks;

/// <summary>
/// Nanoseconds on a clock that never goes back: the one time source every deadline is computed
/// on (the kernel's timers, its reactor and device waits, WASI's poll_oneoff and the guest's
/// monotonic clock), so a test or the kernel's deterministic mode can put all of them on virtual
/// time at once (<see cref="ManualClock"/>). <see cref="HostMonotonicClock"/> is the host's.
/// </summary>
/// <remarks>A read is an interface call and allocates nothing: deadlines are read on hot paths
/// (every timer started, every millisecond's timer poll).</remarks>
public interface IMonotonicClock
{
    /// <summary>The clock's current value in nanoseconds; only its differences mean anything.</summary>
    long NowNanoseconds { get; }
}
