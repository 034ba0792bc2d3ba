namespace Tessera.Wasm.Runtime;

/// <summary>
/// The fields of an <see cref="InstanceContext"/> that generated code tests in its hottest paths:
/// the interrupt flag at every loop head and the suspend state after every call that may suspend.
/// </summary>
/// <remarks>
/// A base class, because the runtime lays out a base class's fields first: these land at the
/// start of the object, where x86-64 addresses them with a one-byte displacement. Laid out with the
/// rest they fell past 127 bytes, and every check was three bytes longer, enough to push a tight
/// loop across one more 32-byte fetch block (sieve's inner loop, docs/benchmarks.md, Tasks).
/// </remarks>
internal abstract class ContextFlags
{
    /// <summary>Written from any thread, read by interrupt checks with <c>volatile.</c>
    /// (<see cref="EngineOptions.Interruptible"/>): <see cref="InterruptKill"/> makes the code trap
    /// at its next function entry or loop head; <see cref="InterruptYield"/> makes a preemptible
    /// suspendable call suspend at its next loop head.</summary>
    public int Interrupt;
    public const int InterruptKill = 1, InterruptYield = 2;

    /// <summary>Suspension (Compilation/README.md, "Resumable functions"): <see cref="SuspendNormal"/>,
    /// <see cref="SuspendUnwinding"/> (a suspending import asked to suspend; each resumable frame
    /// saves itself and returns) or <see cref="SuspendRewinding"/> (frames restore themselves down to
    /// the import, which ends the rewind). Read after every call that may suspend.</summary>
    public int SuspendState;
    public const int SuspendNormal = 0, SuspendUnwinding = 1, SuspendRewinding = 2;

    /// <summary>Fuel left (<see cref="EngineOptions.Fuel"/>): code compiled to count it subtracts
    /// one at each function entry and loop head and leaves the hot path when it goes below zero
    /// or <see cref="Interrupt"/> is set. Written only by the thread running the code.</summary>
    public long Fuel;
}
