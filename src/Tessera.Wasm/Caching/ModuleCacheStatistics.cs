namespace Tessera.Wasm.Caching;

/// <summary>What a <see cref="ModuleCache"/> has done since its engine was created.</summary>
/// <param name="Hits">Modules loaded from an entry, not compiled.</param>
/// <param name="Misses">Modules compiled because no usable entry existed (missing or rejected).</param>
/// <param name="Writes">Entries written.</param>
/// <param name="Rejected">Entries found but not usable: truncated, corrupt, for another key, or
/// unreadable. Each is also a miss, and is rewritten.</param>
/// <param name="WriteFailures">Entries that could not be written (read-only or full disk, no
/// permission); the module was still compiled and runs.</param>
public readonly record struct ModuleCacheStatistics(long Hits, long Misses, long Writes, long Rejected, long WriteFailures);
