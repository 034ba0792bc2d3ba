namespace Tessera.Wasm.Runtime;

/// <summary>
/// What a host function sees of the WebAssembly code that called it: the importing instance, its
/// memory and exports, and the store's data. A value type: passing it costs nothing.
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

    /// <summary>The store's embedder data.</summary>
    public object? Data => _context?.Store?.Data;

    /// <summary>The calling instance's memory 0 (exported or not), or null when it has none.</summary>
    public Memory? Memory => _context?.Memory0;

    /// <summary>An export of the calling instance by name, as <see cref="Instance.GetMemory"/>.</summary>
    public Memory? GetMemory(string name) => _context?.Instance?.GetMemory(name);

    /// <summary>A function export of the calling instance by name.</summary>
    public Func? GetFunc(string name) => _context?.Instance?.GetFunc(name);
}
