namespace Tessera.Wasm.Runtime;

/// <summary>
/// A budget several stores draw from together: the memory and table limits of a compartment
/// whose instances live in stores of their own (the kernel's tasks of one program, say). A store
/// whose <see cref="StoreLimits.Quota"/> names it charges every page and table element to both
/// its own limits and the quota; at either limit <c>memory.grow</c> and <c>table.grow</c> return
/// -1 and instantiation fails with <see cref="WasmResourceLimitException"/>. What a store frees
/// (a memory disposed or finalized, the store disposed) goes back to the quota.
/// </summary>
/// <remarks>Thread-safe: stores of one quota run on different threads at once.</remarks>
public sealed class ResourceQuota(long? memoryBytes = null, long? tableElements = null)
{
    private long _memoryBytes;
    private long _tableElements;

    /// <summary>Most bytes of linear memory the stores may hold together; null for no limit.</summary>
    public long? MemoryBytes { get; } = memoryBytes;

    /// <summary>Most table elements the stores may hold together; null for no limit.</summary>
    public long? TableElements { get; } = tableElements;

    /// <summary>Bytes of linear memory the stores hold now.</summary>
    public long CommittedMemoryBytes => Volatile.Read(ref _memoryBytes);

    /// <summary>Table elements the stores hold now.</summary>
    public long CommittedTableElements => Volatile.Read(ref _tableElements);

    internal bool TryAddMemory(long bytes) => TryAdd(ref _memoryBytes, bytes, MemoryBytes);

    internal void RemoveMemory(long bytes) => Interlocked.Add(ref _memoryBytes, -bytes);

    internal bool TryAddTableElements(long count) => TryAdd(ref _tableElements, count, TableElements);

    internal void RemoveTableElements(long count) => Interlocked.Add(ref _tableElements, -count);

    /// <summary>Adds <paramref name="amount"/> to <paramref name="total"/> unless that passes
    /// <paramref name="limit"/>: one compare-and-swap loop, so concurrent stores never overshoot.</summary>
    internal static bool TryAdd(ref long total, long amount, long? limit)
    {
        while (true)
        {
            long current = Volatile.Read(ref total);
            if (limit is { } max && current + amount > max) return false;
            if (Interlocked.CompareExchange(ref total, current + amount, current) == current) return true;
        }
    }
}
