using System.Collections;

namespace Tessera.Wasm.Model;

/// <summary>Enumerates an array through <see cref="IEnumerator{T}"/>: what the model's read-only
/// collections (<see cref="ReadOnlyArray{T}"/>, <see cref="ReadOnlyValues{T}"/>) hand out when
/// enumerated as interfaces. A type of this assembly, so it is precompiled with it.</summary>
internal sealed class ArrayEnumerator<T>(T[] items) : IEnumerator<T>
{
    private int _index = -1;

    public T Current => items[_index];

    object? IEnumerator.Current => Current;

    public bool MoveNext() => ++_index < items.Length;

    public void Reset() => _index = -1;

    public void Dispose()
    {
    }
}
