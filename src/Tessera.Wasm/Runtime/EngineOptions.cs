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

    /// <summary>For tests of the resumable transform: every function is compiled resumable and
    /// every call may suspend, and every generated method is JIT-compiled at once, so the spec
    /// suite runs through the transform and any invalid IL in a resume copy shows.</summary>
    internal bool ResumableEverywhere { get; init; }
}
