namespace Tessera.Wasm.Runtime;

/// <summary>
/// A <see cref="Caller"/> whose store holds data of type <typeparamref name="T"/>
/// (<see cref="Store{T}"/>): a host function declared with this as its first parameter reads
/// <see cref="Data"/> typed. Converts implicitly to <see cref="Caller"/> for everything else
/// (memory, exports, suspension).
/// </summary>
/// <remarks>
/// Instantiation lets such a function be imported only into a <c>Store&lt;T&gt;</c>, so from
/// WebAssembly <see cref="Data"/> always finds its store. Called by the embedder directly
/// (<see cref="Func.Invoke"/>, no calling instance) it has none, and <see cref="Data"/> traps.
/// </remarks>
public readonly struct Caller<T>
{
    private readonly InstanceContext? _context;

    internal Caller(InstanceContext? context) => _context = context;

    /// <summary>The calling instance's store.</summary>
    /// <exception cref="WasmTrap">No calling instance (the embedder called the function), or its
    /// store is not a <c>Store&lt;T&gt;</c> (<see cref="TrapKind.HostError"/>).</exception>
    public Store<T> Store => _context?.Store as Store<T> ?? throw NoStore();

    /// <summary>The store's data.</summary>
    public T Data
    {
        get => Store.Data;
        set => Store.Data = value;
    }

    /// <summary>The calling instance, or null when the embedder called the host function directly.</summary>
    public Instance? Instance => _context?.Instance;

    /// <summary>The calling instance's memory 0 (exported or not), or null when it has none.</summary>
    public Memory? Memory => _context?.Memory0;

    /// <summary>An export of the calling instance by name (<see cref="Caller.GetMemory"/>).</summary>
    public Memory? GetMemory(string name) => Untyped.GetMemory(name);

    /// <summary>A function export of the calling instance by name (<see cref="Caller.GetFunc"/>).</summary>
    public Func? GetFunc(string name) => Untyped.GetFunc(name);

    /// <inheritdoc cref="Caller.Suspend"/>
    public void Suspend() => Untyped.Suspend();

    /// <inheritdoc cref="Caller.CanSuspend"/>
    public bool CanSuspend => Untyped.CanSuspend;

    /// <inheritdoc cref="Caller.IsResuming"/>
    public bool IsResuming => Untyped.IsResuming;

    /// <inheritdoc cref="Caller.CompleteResume"/>
    public bool CompleteResume() => Untyped.CompleteResume();

    /// <summary>This caller without its data's type: what APIs over any store take.</summary>
    public Caller Untyped => new(_context);

    public static implicit operator Caller(Caller<T> caller) => caller.Untyped;

    private WasmTrap NoStore() => new(TrapKind.HostError, _context?.Store is { } store
        ? $"a host function for Store<{typeof(T).Name}> called from a {Describe(store.GetType())}"
        : $"a host function for Store<{typeof(T).Name}> called with no calling instance");

    private static string Describe(Type type) => type.IsGenericType ? $"Store<{type.GetGenericArguments()[0].Name}>" : type.Name;
}
