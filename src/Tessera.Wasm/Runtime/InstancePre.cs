namespace Tessera.Wasm.Runtime;

/// <summary>
/// A module with its imports resolved and type-checked (<see cref="Linker.InstantiatePre"/>), as
/// Wasmtime's <c>InstancePre</c>: each <see cref="Instantiate"/> skips the name lookups and type
/// checks and only checks what depends on the store. The kernel spawns every task of a program
/// from one.
/// </summary>
/// <remarks>Immutable; <see cref="Instantiate"/> may be called from any number of threads at once
/// (each with its own store).</remarks>
public sealed class InstancePre
{
    private readonly Extern[] _imports;

    internal InstancePre(Module module, Extern[] imports)
    {
        Module = module;
        _imports = imports;
    }

    public Module Module { get; }

    /// <summary>The resolved imports, in the module's import order.</summary>
    public IReadOnlyList<Extern> Imports => _imports;

    /// <summary>A new instance in <paramref name="store"/>: segments applied and start run as
    /// <see cref="Instance"/> does.</summary>
    /// <exception cref="WasmLinkException">An import belongs to another store, or a host function
    /// needs another type of store data (<see cref="Store{T}"/>); nothing is instantiated.</exception>
    public Instance Instantiate(Store store) => new(store, Module, _imports, typesChecked: true);
}
