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
        Publish(store, t_limit);
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
        Publish(store, saved.StoreLimit);
        t_limit = saved.ThreadLimit;
    }

    /// <summary>Sets the limit generated code reads, unless an interrupt keeps it raised: the flag
    /// is read after the write, so an interrupt that lands between the two is not lost.</summary>
    private static void Publish(Store store, nuint limit)
    {
        Volatile.Write(ref store.StackLimit, limit);
        if (Volatile.Read(ref store.Interrupted) != 0) Volatile.Write(ref store.StackLimit, nuint.MaxValue);
    }

    /// <summary>
    /// The slow path of the entry check, when the address of the frame's probe local
    /// (<paramref name="probe"/>) is below the store's limit: a killed instance traps with
    /// <see cref="TrapKind.Interrupted"/>; a probe below the thread's real limit is a stack
    /// exhausted; otherwise the limit was raised for another instance of the store and the call
    /// goes on.
    /// </summary>
    public static void LimitReached(nuint probe, InstanceContext context)
    {
        if (Volatile.Read(ref context.Interrupt) == InstanceContext.InterruptKill) throw new WasmTrap(TrapKind.Interrupted);
        if (probe < t_limit || Volatile.Read(ref context.Store!.Interrupted) == 0) throw new WasmTrap(TrapKind.StackExhausted);
    }
}
