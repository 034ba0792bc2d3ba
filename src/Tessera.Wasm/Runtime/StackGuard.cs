namespace Tessera.Wasm.Runtime;

/// <summary>
/// Sets the stack limit generated code checks at every function entry (DESIGN: the address of a
/// local against a limit, the cheapest safe guard). The outermost host-to-WebAssembly call on a
/// thread fixes the limit <see cref="Budget"/> bytes below its own frame; nested entries on the
/// same thread (a host function calling back into WebAssembly) keep it. The limit is published in
/// the store, where generated code reads it, and restored on the way out, so a store used from
/// several threads one after another always checks against the running thread's stack.
/// </summary>
internal static class StackGuard
{
    /// <summary>How much stack WebAssembly may use below the outermost entry: well below the
    /// 1.5 MiB of a .NET thread-pool thread and the 8 MiB of a Linux main thread.</summary>
    public const int Budget = 768 * 1024;

    /// <summary>Stack kept free below the limit for what runs after the guard trips: the trap's
    /// throw and the runtime's exception dispatch, host functions, the JIT.</summary>
    public const int Reserve = 256 * 1024;

    [ThreadStatic] private static nuint t_limit;
    [ThreadStatic] private static nuint t_floor;

    /// <summary>What <see cref="Exit"/> restores.</summary>
    public readonly struct Saved(nuint threadLimit, nuint storeLimit)
    {
        public nuint ThreadLimit { get; } = threadLimit;
        public nuint StoreLimit { get; } = storeLimit;
    }

    /// <summary>Before calling into WebAssembly; a null store (a host function called directly) has
    /// nothing to guard.</summary>
    public static unsafe Saved Enter(Store? store)
    {
        if (store is null) return default;
        var saved = new Saved(t_limit, store.StackLimit);
        if (t_limit == 0)
        {
            byte probe = 0;
            nuint sp = (nuint)(&probe);
            nuint limit = sp - Budget;
            // On a thread with a small stack, stop Reserve above its real end instead.
            nuint floor = Floor();
            if (floor > limit) limit = Math.Min(floor, sp);
            t_limit = limit;
        }
        store.StackLimit = t_limit;
        store.EntryDepth++;
        return saved;
    }

    /// <summary>The lowest address generated code may reach on this thread, once per thread.</summary>
    private static nuint Floor()
    {
        if (t_floor == 0)
            t_floor = Platform.Threads.ThreadStack.TryGetCurrentBounds(out nuint low, out _) ? low + Reserve : 1;
        return t_floor;
    }

    public static void Exit(Store? store, Saved saved)
    {
        if (store is null) return;
        store.EntryDepth--;
        store.StackLimit = saved.StoreLimit;
        t_limit = saved.ThreadLimit;
    }
}
