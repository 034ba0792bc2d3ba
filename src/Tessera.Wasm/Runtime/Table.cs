using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>A table of function references (null for an uninitialized element).</summary>
public sealed class Table
{
    public Func?[] Elements;

    public Table(TableType type)
    {
        if (type.ElementType != ValType.FuncRef) throw new WasmUnsupportedFeatureException("reference-types", "table of " + type.ElementType);
        if (type.Limits.Min > 10_000_000) throw new WasmUnsupportedFeatureException("large tables", "table of " + type.Limits.Min);
        Type = type;
        Elements = new Func?[type.Limits.Min];
    }

    public TableType Type { get; }
    public int Size => Elements.Length;
}
