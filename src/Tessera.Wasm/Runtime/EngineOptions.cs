using Tessera.Wasm.Caching;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// How an <see cref="Engine"/> compiles. Like Wasmtime's <c>Config</c>, the on-disk cache of
/// compiled modules is off unless asked for: a library does not write to the user's home on its
/// own. Programs that start modules repeatedly (the <c>tessera</c> command) turn it on.
/// </summary>
public sealed record EngineOptions
{
    /// <summary>Cache compiled modules on disk, so a module compiled once loads without being
    /// compiled again (docs/operations.md). Off by default.</summary>
    public bool UseCache { get; init; }

    /// <summary>Where the cache lives; null for <see cref="ModuleCache.DefaultDirectory"/>.
    /// Ignored unless <see cref="UseCache"/> is set.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Modules smaller than this many bytes are compiled without the cache. 0, the default,
    /// caches every module: loading a cached image costs less than compiling even a small program
    /// (docs/benchmarks.md, Startup), but an embedder making many tiny throwaway modules may not want
    /// them on disk.</summary>
    public int CacheMinimumBytes { get; init; }

    /// <summary>
    /// Whether a module's code is unloaded once nothing references the module (the default).
    /// Code kept for the life of the process is tiered by the .NET runtime instead: compiled quickly
    /// when first called, then compiled again with profile data where it is hot, so programs start
    /// faster and hot code ends faster than the one full-optimization compile collectible code gets
    /// (docs/benchmarks.md, Startup). Meant for processes that load a fixed set of modules, such
    /// as the <c>tessera</c> command; a host that keeps loading new modules leaks them with it off.
    /// </summary>
    public bool CollectibleCode { get; init; } = true;

    /// <summary>Map a module's data segments into new instances copy-on-write from an image laid
    /// out once, instead of copying them (docs/memory.md). On by default; off only to measure the
    /// copying path against it.</summary>
    public bool CopyOnWriteImages { get; init; } = true;

    /// <summary>How loads and stores are kept inside linear memory: explicit checks (the default),
    /// or guard pages where the platform supports them (<see cref="Runtime.BoundsChecks"/>).
    /// Guard pages suit a few large, hot memories (a program); explicit checks suit many small
    /// ones (a hundred thousand tasks), since each guarded memory reserves 6 GiB of address space.</summary>
    public BoundsChecks BoundsChecks { get; init; } = BoundsChecks.Explicit;

    /// <summary>How large a module, and how many functions, locals and nested blocks, the engine
    /// accepts; past them a module is a <see cref="WasmLimitException"/> (docs/security.md).</summary>
    public EngineLimits Limits { get; init; } = new();

    /// <summary>Imports (module name, field name) that may suspend the calling task: functions
    /// that can reach one are compiled in a resumable form (Compilation/README.md). Modules that
    /// import none of them are compiled exactly as without this option.</summary>
    public IReadOnlySet<(string Module, string Name)>? SuspendingImports { get; init; }

    /// <summary>Compile interrupt checks at function entries and loop heads, so a running call can
    /// be stopped from another thread (a killed task). Off by default: the checks cost time.</summary>
    public bool Interruptible { get; init; }

    /// <summary>Interrupt checks (as <see cref="Interruptible"/>), and the check at each loop head
    /// may also yield a <see cref="SuspendableCall"/> asked to (<see cref="Instance.RequestYield"/>):
    /// functions with loops, and their callers, are compiled resumable. A call in a loop-free
    /// function cannot yield until it returns to a loop.</summary>
    public bool Preemptible { get; init; }

    /// <summary>
    /// Count fuel (Wasmtime's <c>consume_fuel</c>), a deterministic measure of work instead of
    /// time: one unit per function entry and per loop iteration, from the instance's
    /// <see cref="Instance.Fuel"/>. With <see cref="Preemptible"/>, a suspendable call whose fuel
    /// runs out yields at its next loop head (the kernel's fuel slices); otherwise running out
    /// traps with <see cref="TrapKind.OutOfFuel"/>. Implies interrupt checks: the fuel check also
    /// reads the interrupt flag, in the same branch, so it costs a subtraction and a store more.
    /// </summary>
    public bool Fuel { get; init; }

    /// <summary>For tests of the resumable transform: every function is compiled resumable and
    /// every call may suspend, and every generated method is JIT-compiled at once, so the spec
    /// suite runs through the transform and any invalid IL in a resume copy shows.</summary>
    internal bool ResumableEverywhere { get; init; }
}
