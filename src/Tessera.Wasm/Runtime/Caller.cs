namespace Tessera.Wasm.Runtime;

/// <summary>
/// What a host function sees of the WebAssembly code that called it: the importing instance, its
/// memory and exports, and its store. A value type: passing it costs nothing. A host function
/// that reads the store's data takes a <see cref="Caller{T}"/> instead.
/// </summary>
/// <remarks>
/// The caller is the instance that imported the host function. When another instance reaches the
/// same function through a shared table, the caller is still the importing instance.
/// </remarks>
public readonly struct Caller
{
    private readonly InstanceContext? _context;

    internal Caller(InstanceContext? context) => _context = context;

    /// <summary>The calling instance, or null when the embedder called the host function directly.</summary>
    public Instance? Instance => _context?.Instance;

    /// <summary>The calling instance's store, or null when the embedder called the function directly.</summary>
    public Store? Store => _context?.Store;

    /// <summary>The calling instance's memory 0 (exported or not), or null when it has none.</summary>
    public Memory? Memory => _context?.Memory0;

    /// <summary>An export of the calling instance by name, as <see cref="Instance.GetMemory"/>.</summary>
    public Memory? GetMemory(string name) => _context?.Instance?.GetMemory(name);

    /// <summary>A function export of the calling instance by name.</summary>
    public Func? GetFunc(string name) => _context?.Instance?.GetFunc(name);

    /// <summary>
    /// Asks to suspend the <see cref="SuspendableCall"/> this host function runs in; the host
    /// function then returns (any value: the caller ignores it) and must not throw. Traps with
    /// <see cref="TrapKind.HostError"/> when the call cannot suspend: no suspendable call is running
    /// in the calling instance, or a host frame lies between it and this function (a host function
    /// that called back into WebAssembly). Only imports named in
    /// <see cref="EngineOptions.SuspendingImports"/> may call this: other call sites do not check.
    /// </summary>
    public void Suspend()
    {
        if (!CanSuspend)
            throw new WasmTrap(TrapKind.HostError, "cannot suspend: no suspendable call, or a host frame on the stack");
        _context!.SuspendState = InstanceContext.SuspendUnwinding;
    }

    /// <summary>Whether <see cref="Suspend"/> would succeed: a suspendable call is running in the
    /// calling instance with no host frame between it and this function. An import that can also
    /// wait by blocking its thread checks this first.</summary>
    public bool CanSuspend => _context is { } context && context.SuspendableDepth != 0 && context.Store!.EntryDepth == context.SuspendableDepth;

    /// <summary>True when this call of a suspending import is the resumption of a call that
    /// suspended: it is called again with the same arguments and must call <see cref="CompleteResume"/>.</summary>
    public bool IsResuming => _context?.SuspendState == InstanceContext.SuspendRewinding;

    /// <summary>Ends a rewind (every frame is restored; the code runs normally again). Returns
    /// whether there was one. A suspending import calls this first, every time.</summary>
    public bool CompleteResume()
    {
        if (!IsResuming) return false;
        _context!.SuspendState = InstanceContext.SuspendNormal;
        return true;
    }
}
