using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>A table of references: <see cref="Func"/> for funcref, <see cref="ExternRef"/> or any
/// host object for externref, null for a null reference.</summary>
public sealed class Table
{
    public object?[] Elements;

    public Table(TableType type)
    {
        if (type.ElementType != ValType.FuncRef && type.ElementType != ValType.ExternRef) throw new WasmUnsupportedFeatureException("reference-types", "table of " + type.ElementType);
        if (type.Limits.Min > 10_000_000) throw new WasmUnsupportedFeatureException("large tables", "table of " + type.Limits.Min);
        Type = type;
        Elements = new object?[type.Limits.Min];
    }

    public TableType Type { get; private set; }
    public int Size => Elements.Length;

    /// <summary>table.grow: the old size, or -1 past the maximum (or past 10,000,000 elements).</summary>
    public int Grow(uint delta, object? initial)
    {
        int old = Elements.Length;
        ulong target = (ulong)old + delta;
        if (target > Math.Min(Type.Limits.Max ?? uint.MaxValue, 10_000_000)) return -1;
        var bigger = new object?[target];
        Elements.CopyTo(bigger, 0);
        bigger.AsSpan(old).Fill(initial);
        Elements = bigger;
        Type = Type with { Limits = Type.Limits with { Min = target } };
        return old;
    }
}
