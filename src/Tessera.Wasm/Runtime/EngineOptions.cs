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

    /// <summary>How large a module, and how many functions, locals and nested blocks, the engine
    /// accepts; past them a module is a <see cref="WasmLimitException"/> (docs/security.md).</summary>
    public EngineLimits Limits { get; init; } = new();
}
