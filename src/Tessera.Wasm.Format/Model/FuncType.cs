using System.Runtime.InteropServices;

namespace Tessera.Wasm.Model;

/// <summary>A function type <c>[params] -&gt; [results]</c>. Compared structurally.</summary>
public sealed class FuncType : IEquatable<FuncType>
{
    /// <summary>A function type of copies of <paramref name="parameters"/> and <paramref name="results"/>.</summary>
    public FuncType(ReadOnlySpan<ValType> parameters, ReadOnlySpan<ValType> results)
        : this(ReadOnlyValues.Adopt(Copy(parameters)), ReadOnlyValues.Adopt(Copy(results)))
    {
    }

    // A loop rather than ToArray: a generic method of the framework,
    // JIT-compiled on first use over ValType, and host functions make types at start-up.
    private static ValType[] Copy(ReadOnlySpan<ValType> types)
    {
        if (types.Length == 0) return s_none;
        var copy = new ValType[types.Length];
        for (int i = 0; i < copy.Length; i++) copy[i] = types[i];
        return copy;
    }

    private static readonly ValType[] s_none = new ValType[0];

    private FuncType(ReadOnlyValues<ValType> parameters, ReadOnlyValues<ValType> results)
    {
        Parameters = parameters;
        Results = results;
    }

    /// <summary>A function type that takes over <paramref name="parameters"/> and <paramref name="results"/>
    /// without copying them: for a decoder that made the arrays and keeps no reference to them.</summary>
    internal static FuncType Adopt(ValType[] parameters, ValType[] results) =>
        new(ReadOnlyValues.Adopt(parameters), ReadOnlyValues.Adopt(results));

    public ReadOnlyValues<ValType> Parameters { get; }
    public ReadOnlyValues<ValType> Results { get; }

    // Loops, not SequenceEqual or HashCode: generic methods over ValType are JIT-compiled on first
    // use, and function types are compared and hashed at start-up (docs/benchmarks.md, Startup).
    public bool Equals(FuncType? other) =>
        other is not null && SameTypes(Parameters, other.Parameters) && SameTypes(Results, other.Results);

    private static bool SameTypes(ReadOnlyValues<ValType> a, ReadOnlyValues<ValType> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
        {
            if (!a[i].Equals(b[i])) return false;
        }
        return true;
    }
    public override bool Equals(object? obj) => Equals(obj as FuncType);
    public override int GetHashCode()
    {
        int h = Parameters.Length;
        foreach (var p in Parameters) h = h * 31 + p.GetHashCode();
        h = h * 31 - 1;
        foreach (var r in Results) h = h * 31 + r.GetHashCode();
        return h;
    }

    public override string ToString() =>
        $"[{string.Join(' ', Parameters)}] -> [{string.Join(' ', Results)}]";
}
