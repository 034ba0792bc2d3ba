using Tessera.Platform.Clocks;
using Tessera.Platform.Memory;
using Tessera.Wasm.Runtime;

namespace Tessera.Kernel;

/// <summary>How a <see cref="Kernel"/> runs.</summary>
public sealed record KernelOptions
{
    /// <summary>Worker threads; one per core by default.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Messages a mailbox holds before refusing more (the sender is told: <c>send</c>
    /// returns -2).</summary>
    public int MailboxCapacity { get; init; } = 65_536;

    /// <summary>
    /// <c>send_move</c> moves a message in whole units of this many bytes, aligned to it in the
    /// sender's memory, and copies the rest; a message holding no whole unit is copied. A multiple
    /// of the host page. By default the host's large page (<see cref="VirtualMemory.LargePageSize"/>,
    /// 2 MiB on x86-64): at that alignment the host moves one page-table page per unit instead of
    /// 512 entries, and moving beats copying; at smaller ones it loses (docs/benchmarks.md, Tasks,
    /// large messages).
    /// </summary>
    public int MoveUnit { get; init; } = (int)VirtualMemory.LargePageSize;

    /// <summary>How long a task runs before it is asked to yield at its next loop head.</summary>
    public TimeSpan TimeSlice { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Slices measured in fuel instead of time when set: each slice a task gets this many
    /// units (one per function entry and loop iteration, <see cref="EngineOptions.Fuel"/>) and yields
    /// at its next loop head once they are spent. Deterministic: a task yields at the same point of
    /// its work however loaded the machine is; <see cref="TimeSlice"/> is then not used. The
    /// checks cost more than the time slices' (a subtraction and a store at each check).</summary>
    public long? FuelPerSlice { get; init; }

    /// <summary>The clock every deadline of the kernel is read on (timers, WASI waits, device
    /// waits) and its tasks' WASI monotonic clock; the host's
    /// (<see cref="HostMonotonicClock"/>) by default, a <see cref="ManualClock"/> (made when none
    /// is given) when <see cref="Deterministic"/>.</summary>
    public IMonotonicClock? Clock { get; init; }

    /// <summary>
    /// Runs the kernel deterministically on virtual time, for tests (Tokio's paused clock): no
    /// worker threads and no timer thread; tasks run only inside <see cref="Kernel.RunUntil"/>, on
    /// the thread that calls it, one slice at a time in the scheduler's order, and time moves only
    /// by <see cref="Kernel.Advance"/> or, when no task is runnable, to the next timer deadline.
    /// <see cref="Workers"/>, <see cref="TimerThread"/> and <see cref="TimeSlice"/> are not used:
    /// a task runs until it parks, yields or spends <see cref="FuelPerSlice"/>. <see cref="Clock"/>
    /// must be a <see cref="ManualClock"/> or none. (Scheduler/README.md, "Deterministic mode".)
    /// </summary>
    public bool Deterministic { get; init; }

    /// <summary>The engine options task modules are compiled with (the module cache, the code
    /// mode); the kernel adds what tasks need: suspending imports, interrupts, preemption.</summary>
    public EngineOptions? Engine { get; init; }

    /// <summary>Limits on each task's store: its memories and tables together (Wasmtime's
    /// <c>StoreLimits</c>). At the limit <c>memory.grow</c> returns -1; none by default.</summary>
    public StoreLimits? TaskLimits { get; init; }

    /// <summary>Run a thread that fires timers every millisecond (and preempts by
    /// <see cref="TimeSlice"/>). Off only for tests that poll <see cref="Kernel.Timers"/> themselves;
    /// a deterministic kernel never has one.</summary>
    public bool TimerThread { get; init; } = true;
}
