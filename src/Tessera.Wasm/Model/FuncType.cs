namespace Tessera.Wasm.Model;

/// <summary>A function type <c>[params] -&gt; [results]</c>. Compared structurally.</summary>
public sealed class FuncType : IEquatable<FuncType>
{
    public FuncType(ValType[] parameters, ValType[] results)
    {
        Parameters = parameters;
        Results = results;
    }

    public ValType[] Parameters { get; }
    public ValType[] Results { get; }

    public bool Equals(FuncType? other) =>
        other is not null && Parameters.AsSpan().SequenceEqual(other.Parameters) && Results.AsSpan().SequenceEqual(other.Results);
    public override bool Equals(object? obj) => Equals(obj as FuncType);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var p in Parameters) h.Add(p);
        h.Add(-1);
        foreach (var r in Results) h.Add(r);
        return h.ToHashCode();
    }

    public override string ToString() =>
        $"[{string.Join(' ', Parameters)}] -> [{string.Join(' ', Results)}]";
}
