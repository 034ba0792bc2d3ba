using System.Collections;

namespace Tessera.Wasm.Model;

/// <summary>
/// A read-only view of an array that no one else holds: what <see cref="ModuleDefinition"/> hands
/// out as its lists. It implements only the read-only interfaces, so a caller cannot cast it to
/// <see cref="IList{T}"/> (or to the array) and write through it.
/// </summary>
/// <remarks>
/// A type of this assembly rather than <c>ReadOnlyCollection&lt;T&gt;</c>: a generic type of the
/// framework instantiated over the model's structs (<see cref="TableType"/>, <see cref="TypeIndex"/>,
/// ...) is JIT-compiled at start-up, while this one is precompiled with the assembly
/// (docs/benchmarks.md, Startup).
/// </remarks>
internal sealed class ReadOnlyArray<T>(T[] items) : IReadOnlyList<T>
{
    public T this[int index] => items[index];

    public int Count => items.Length;

    public IEnumerator<T> GetEnumerator() => new ArrayEnumerator<T>(items);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
