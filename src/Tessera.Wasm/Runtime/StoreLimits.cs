namespace Tessera.Wasm.Runtime;

/// <summary>
/// Limits on what the instances of one <see cref="Store"/> may hold, as Wasmtime's
/// <c>StoreLimits</c>: a store is the unit of isolation of the embedding API (a task or a
/// compartment of the kernel gets its own). At a limit <c>memory.grow</c> and <c>table.grow</c>
/// return -1 and instantiation fails with <see cref="WasmResourceLimitException"/>; nothing else
/// in the process is affected.
/// </summary>
public sealed record StoreLimits
{
    /// <summary>No limits.</summary>
    public static StoreLimits None { get; } = new();

    /// <summary>Most bytes all linear memories of the store may hold together (their sizes, in
    /// whole WebAssembly pages); null for no limit.</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>Most elements all tables of the store may hold together; null for no limit.</summary>
    public long? TableElements { get; init; }

    /// <summary>A budget shared with other stores (a compartment of several), charged on top of
    /// this store's own limits; null for none.</summary>
    public ResourceQuota? Quota { get; init; }
}
