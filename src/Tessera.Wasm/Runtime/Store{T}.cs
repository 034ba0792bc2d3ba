namespace Tessera.Wasm.Runtime;

/// <summary>
/// A store holding the embedder's data of type <typeparamref name="T"/> (a kernel's task, a
/// request's state): host functions that take a <see cref="Caller{T}"/> read it typed, with no
/// cast of their own.
/// </summary>
/// <remarks>
/// A host function taking <see cref="Caller{T}"/> can be imported only by an instance of a
/// <c>Store&lt;T&gt;</c> of exactly this <typeparamref name="T"/>: instantiation checks it
/// (<see cref="WasmLinkException"/>), so the data is always of the type the function declares.
/// </remarks>
public sealed class Store<T> : Store
{
    public Store(Engine engine, T data, StoreLimits? limits = null)
        : base(engine, limits) => Data = data;

    /// <summary>The embedder's data. Settable: a store shared by several tasks of one program names
    /// the task that runs now.</summary>
    public T Data { get; set; }

    internal override Type? DataType => typeof(T);
}
