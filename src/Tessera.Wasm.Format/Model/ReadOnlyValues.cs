using System.Collections;
using System.Runtime.CompilerServices;

namespace Tessera.Wasm.Model;

/// <summary>
/// An immutable array of the model's values (a function type's parameters and results, a body's
/// locals, an element segment's items): read by index, as a span, or enumerated, never written.
/// The default value is empty.
/// </summary>
/// <remarks>
/// A type of this assembly rather than <c>ImmutableArray&lt;T&gt;</c>: a generic type of the
/// framework instantiated over the model's structs (<see cref="ValType"/>, <see cref="FuncIndex"/>)
/// is JIT-compiled when a program starts, about twenty methods for <c>ImmutableArray</c>, where
/// this one is precompiled with the assembly (docs/benchmarks.md, Startup).
/// </remarks>
[CollectionBuilder(typeof(ReadOnlyValues), nameof(ReadOnlyValues.Create))]
public readonly struct ReadOnlyValues<T> : IReadOnlyList<T>
{
    private static readonly T[] s_empty = new T[0];
    private readonly T[]? _items;

    /// <summary>Takes <paramref name="items"/> over: whoever made it keeps no reference to it.</summary>
    internal ReadOnlyValues(T[] items) => _items = items;

    private T[] Items => _items ?? s_empty;

    public int Length => Items.Length;

    public bool IsEmpty => Items.Length == 0;

    public T this[int index] => Items[index];

    public ReadOnlySpan<T> AsSpan() => Items;

    /// <summary>Copies the values to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter.</exception>
    public void CopyTo(Span<T> destination)
    {
        var items = Items;
        if (destination.Length < items.Length) throw new ArgumentException("the destination is shorter than the values", nameof(destination));
        for (int i = 0; i < items.Length; i++) destination[i] = items[i];
    }

    public Enumerator GetEnumerator() => new(Items);

    int IReadOnlyCollection<T>.Count => Items.Length;

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => new ArrayEnumerator<T>(Items);

    IEnumerator IEnumerable.GetEnumerator() => new ArrayEnumerator<T>(Items);

    public static implicit operator ReadOnlySpan<T>(ReadOnlyValues<T> values) => values.Items;

    /// <summary>Enumerates with no allocation (<c>foreach</c>).</summary>
    public struct Enumerator
    {
        private readonly T[] _items;
        private int _index;

        internal Enumerator(T[] items)
        {
            _items = items;
            _index = -1;
        }

        public readonly T Current => _items[_index];

        public bool MoveNext() => ++_index < _items.Length;
    }
}

/// <summary>Makes <see cref="ReadOnlyValues{T}"/>: collection expressions (<c>[a, b]</c>) and the decoder.</summary>
public static class ReadOnlyValues
{
    /// <summary>A copy of <paramref name="items"/> (what a collection expression calls).</summary>
    public static ReadOnlyValues<T> Create<T>(ReadOnlySpan<T> items)
    {
        if (items.Length == 0) return default;
        var copy = new T[items.Length];
        for (int i = 0; i < copy.Length; i++) copy[i] = items[i];
        return new(copy);
    }

    /// <summary>Takes <paramref name="items"/> over without copying: for a decoder that made the
    /// array and keeps no reference to it.</summary>
    internal static ReadOnlyValues<T> Adopt<T>(T[] items) => new(items);
}
