namespace Tessera.Wasm.Runtime;

/// <summary>
/// Owns instances and everything they make: memories, tables, globals and their functions. A
/// store runs on one thread at a time; what it owns may not be used by another store's instances:
/// instantiation checks that (<see cref="Extern.Owner"/>). <see cref="Store{T}"/> adds the
/// embedder's data, typed, for host functions to read through <see cref="Caller{T}"/>.
/// </summary>
/// <remarks>
/// The store owns the linear memories its instances define and accounts for them (and for table
/// elements) against its <see cref="Limits"/>. <see cref="Dispose"/> gives their pages back at once
/// (a task that ends); a store never disposed gives them back when its memories are finalized.
/// </remarks>
public class Store : IDisposable
{
    /// <summary>Made by the first memory: a task's store often has none.</summary>
    private List<Memory>? _memories;
    private long _memoryBytes;
    private long _tableElements;
    private bool _disposed;

    public Store(Engine engine, StoreLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Engine = engine;
        Limits = limits ?? StoreLimits.None;
    }

    public Engine Engine { get; }

    /// <summary>The type of the embedder's data (<see cref="Store{T}"/>), or null for a store
    /// without: what a host function taking a <see cref="Caller{T}"/> is checked against.</summary>
    internal virtual Type? DataType => null;

    public StoreLimits Limits { get; }

    /// <summary>Bytes the store's linear memories hold now (their sizes in whole pages): what
    /// <see cref="StoreLimits.MemoryBytes"/> limits and what <c>tessera top</c> shows per task.</summary>
    public long CommittedMemoryBytes => Volatile.Read(ref _memoryBytes);

    /// <summary>Elements the store's tables hold now.</summary>
    public long TableElements => Volatile.Read(ref _tableElements);

    /// <summary>Generated code traps with StackExhausted when the address of a local in its frame
    /// is below this (the stack grows down). Every instance of the store reads it through its
    /// context; the outermost host-to-WebAssembly call on a thread sets it (see <see cref="StackGuard"/>).</summary>
    internal nuint StackLimit;

    /// <summary>How many instances of the store are interrupted (killed): while any is,
    /// <see cref="StackLimit"/> is kept at its maximum, so every function entry of the store's
    /// code takes the stack check's slow path, which traps a killed instance
    /// (<see cref="StackGuard.LimitReached"/>). The entry check thus doubles as the kill check, as
    /// V8's stack guard does for interrupts, and costs nothing extra.</summary>
    internal int Interrupted;

    /// <summary>Raises <see cref="StackLimit"/> out of reach for an interrupt (see <see cref="Interrupted"/>).</summary>
    internal void RaiseStackLimitForInterrupt()
    {
        Interlocked.Increment(ref Interrupted);
        Volatile.Write(ref StackLimit, nuint.MaxValue);
    }

    /// <summary>An interrupt was taken back (<see cref="Instance.ResetInterrupt"/>): when it was the
    /// last, the next entry publishes a real stack limit again.</summary>
    internal void LowerStackLimitAfterInterrupt() => Interlocked.Decrement(ref Interrupted);

    /// <summary>How many host-to-WebAssembly entries of this store are on the stack
    /// (<see cref="StackGuard"/>): a suspension is refused when a host frame lies between the
    /// suspending import and the entry that can resume it.</summary>
    internal int EntryDepth;

    /// <summary>Counts <paramref name="bytes"/> more memory if the limit allows.</summary>
    internal bool TryAddMemory(long bytes)
    {
        if (!ResourceQuota.TryAdd(ref _memoryBytes, bytes, Limits.MemoryBytes)) return false;
        if (Limits.Quota is not { } quota || quota.TryAddMemory(bytes)) return true;
        Interlocked.Add(ref _memoryBytes, -bytes);
        return false;
    }

    /// <summary>Memory freed: a memory disposed or finalized, possibly on the finalizer thread.</summary>
    internal void RemoveMemory(long bytes)
    {
        Interlocked.Add(ref _memoryBytes, -bytes);
        Limits.Quota?.RemoveMemory(bytes);
    }

    internal bool TryAddTableElements(long count)
    {
        if (!ResourceQuota.TryAdd(ref _tableElements, count, Limits.TableElements)) return false;
        if (Limits.Quota is not { } quota || quota.TryAddTableElements(count)) return true;
        Interlocked.Add(ref _tableElements, -count);
        return false;
    }

    /// <summary>Whether this store may use <paramref name="item"/>: it is this store's, or a host
    /// function of no store. The one definition of ownership; instantiation, <see cref="Table.Set"/>
    /// and <see cref="Global.Value"/> ask it.</summary>
    internal bool MayUse(Extern item) => item.Owner is null || item.Owner == this;

    internal void Own(Memory memory)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        (_memories ??= []).Add(memory);
    }

    /// <summary>Frees the memories of every instance of the store at once. The instances must
    /// not run again: their memories read as empty afterwards, so any access traps.</summary>
    /// <exception cref="InvalidOperationException">WebAssembly code of the store is running (a host
    /// function disposing its own store, or another thread mid-call): freeing its memory under it
    /// would let it read and write pages given back to the pool. The check cannot see a call that
    /// starts after it; a store must still not be disposed while another thread may call into it.</exception>
    public void Dispose()
    {
        if (Volatile.Read(ref EntryDepth) != 0)
            throw new InvalidOperationException("the store is running WebAssembly code: dispose it after the call returns");
        if (_disposed) return;
        _disposed = true;
        // The tables die with the store: their elements go back to a shared quota. (Memories give
        // theirs back as they are freed, here or by their finalizers.)
        Limits.Quota?.RemoveTableElements(Interlocked.Exchange(ref _tableElements, 0));
        if (_memories is null) return;
        foreach (var memory in _memories) memory.Free();
        _memories.Clear();
    }
}
