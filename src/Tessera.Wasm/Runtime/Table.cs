using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>A table of references: <see cref="Func"/> for funcref, <see cref="ExternRef"/> or any
/// host object for externref, null for a null reference.</summary>
public sealed class Table : Extern
{
    /// <summary>The elements; generated code reads and writes this array directly.</summary>
    internal object?[] Elements;

    private readonly Store _store;

    /// <summary>A table of <paramref name="type"/>'s minimum size, owned by <paramref name="store"/>
    /// and counted against its limits.</summary>
    /// <exception cref="WasmResourceLimitException">The minimum exceeds the store's limit.</exception>
    public Table(Store store, TableType type)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (type.ElementType != ValType.FuncRef && type.ElementType != ValType.ExternRef) throw new WasmUnsupportedFeatureException("reference-types", "table of " + type.ElementType);
        if (type.Limits.Min > 10_000_000) throw new WasmUnsupportedFeatureException("large tables", "table of " + type.Limits.Min);
        if (!store.TryAddTableElements((long)type.Limits.Min))
            throw new WasmResourceLimitException("store table limit", $"{type.Limits.Min} elements would exceed {store.Limits.TableElements} ({store.TableElements} in use)");
        _store = store;
        Type = type;
        Elements = new object?[type.Limits.Min];
    }

    public TableType Type { get; private set; }
    public int Size => Elements.Length;

    public override ExternKind Kind => ExternKind.Table;

    public override Store Owner => _store;

    /// <summary>Element <paramref name="index"/>: a <see cref="Func"/>, an externref's object, or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Size"/>.</exception>
    public object? Get(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Elements.Length, nameof(index));
        return Elements[index];
    }

    /// <summary>Sets element <paramref name="index"/>. A funcref table takes a <see cref="Func"/> of
    /// this table's store, or null; an externref table any object, or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Size"/>.</exception>
    /// <exception cref="ArgumentException">Not a function for a funcref table, or a function of another store.</exception>
    public void Set(int index, object? value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Elements.Length, nameof(index));
        if (Type.ElementType == ValType.FuncRef && value is not (null or Func))
            throw new ArgumentException($"a funcref table holds functions, not {value.GetType().Name}", nameof(value));
        if (value is Func f && !_store.MayUse(f)) throw new ArgumentException("a function of another store cannot be stored in this store's table", nameof(value));
        Elements[index] = value;
    }

    /// <summary>table.grow: the old size, or -1 past the maximum (or past 10,000,000 elements) or
    /// past the store's limit.</summary>
    public int Grow(uint delta, object? initial)
    {
        int old = Elements.Length;
        ulong target = (ulong)old + delta;
        if (target > Math.Min(Type.Limits.Max ?? uint.MaxValue, 10_000_000)) return -1;
        if (!_store.TryAddTableElements(delta)) return -1;
        var bigger = new object?[target];
        Elements.CopyTo(bigger, 0);
        bigger.AsSpan(old).Fill(initial);
        Elements = bigger;
        Type = Type with { Limits = Type.Limits with { Min = target } };
        return old;
    }
}
