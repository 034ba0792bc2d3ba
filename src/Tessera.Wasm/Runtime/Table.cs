using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>A table of references: <see cref="Func"/> for funcref, <see cref="ExternRef"/> or any
/// host object for externref, null for a null reference.</summary>
public sealed class Table
{
    public object?[] Elements;

    private readonly Store? _store;

    /// <summary>A table of <paramref name="type"/>'s minimum size, counted against
    /// <paramref name="store"/>'s limits if given.</summary>
    /// <exception cref="WasmResourceLimitException">The minimum exceeds the store's limit.</exception>
    public Table(TableType type, Store? store = null)
    {
        if (type.ElementType != ValType.FuncRef && type.ElementType != ValType.ExternRef) throw new WasmUnsupportedFeatureException("reference-types", "table of " + type.ElementType);
        if (type.Limits.Min > 10_000_000) throw new WasmUnsupportedFeatureException("large tables", "table of " + type.Limits.Min);
        if (store is not null && !store.TryAddTableElements((long)type.Limits.Min))
            throw new WasmResourceLimitException("store table limit", $"{type.Limits.Min} elements would exceed {store.Limits.TableElements} ({store.TableElements} in use)");
        _store = store;
        Type = type;
        Elements = new object?[type.Limits.Min];
    }

    public TableType Type { get; private set; }
    public int Size => Elements.Length;

    /// <summary>table.grow: the old size, or -1 past the maximum (or past 10,000,000 elements) or
    /// past the store's limit.</summary>
    public int Grow(uint delta, object? initial)
    {
        int old = Elements.Length;
        ulong target = (ulong)old + delta;
        if (target > Math.Min(Type.Limits.Max ?? uint.MaxValue, 10_000_000)) return -1;
        if (_store is not null && !_store.TryAddTableElements(delta)) return -1;
        var bigger = new object?[target];
        Elements.CopyTo(bigger, 0);
        bigger.AsSpan(old).Fill(initial);
        Elements = bigger;
        Type = Type with { Limits = Type.Limits with { Min = target } };
        return old;
    }
}
