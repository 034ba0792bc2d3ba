namespace Tessera.Wasm.Runtime;

/// <summary>
/// Owns instances and the embedder's data for them. A store runs on one thread at a time; its
/// handles (functions, memories, tables, globals of its instances) may not be used by another
/// store's instances: instantiation checks that.
/// </summary>
public sealed class Store
{
    public Store(Engine engine, object? data = null)
    {
        Engine = engine;
        Data = data;
    }

    public Engine Engine { get; }

    /// <summary>The embedder's data, available to host functions through <see cref="Caller.Data"/>.</summary>
    public object? Data { get; set; }

    /// <summary>Generated code traps with StackExhausted when the address of a local in its frame
    /// is below this (the stack grows down). Every instance of the store reads it through its
    /// context; the outermost host-to-WebAssembly call on a thread sets it (see <see cref="StackGuard"/>).</summary>
    internal nuint StackLimit;

    /// <summary>How many host-to-WebAssembly entries of this store are on the stack
    /// (<see cref="StackGuard"/>): a suspension is refused when a host frame lies between the
    /// suspending import and the entry that can resume it.</summary>
    internal int EntryDepth;
}
