using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>Calls generated code makes through the runtime rather than directly.</summary>
public static class CallOps
{
    /// <summary>call_indirect: bounds, null and signature checks (structural type equality, as in
    /// WebAssembly 2.0), then the untyped call.</summary>
    public static ulong[] CallIndirect(Table table, int index, FuncType type, ulong[] args)
    {
        var elements = table.Elements;
        if ((uint)index >= (uint)elements.Length) WasmTrap.Throw(TrapKind.UndefinedElement);
        var func = elements[index];
        if (func is null) WasmTrap.Throw(TrapKind.UninitializedElement);
        if (!ReferenceEquals(func.Type, type) && !func.Type.Equals(type)) WasmTrap.Throw(TrapKind.IndirectCallTypeMismatch);
        return func.CallFromWasm(args);
    }

    /// <summary>table.copy: both ranges checked first; overlapping ranges copy as memmove.</summary>
    public static void TableCopy(int destination, int source, int count, Table to, Table from)
    {
        if ((ulong)(uint)destination + (uint)count > (ulong)to.Size || (ulong)(uint)source + (uint)count > (ulong)from.Size)
            WasmTrap.Throw(TrapKind.TableOutOfBounds);
        from.Elements.AsSpan((int)(uint)source, (int)(uint)count).CopyTo(to.Elements.AsSpan((int)(uint)destination));
    }

    /// <summary>table.init from an element segment (empty once dropped).</summary>
    public static void TableInit(int destination, int source, int count, Table table, Func?[] segment)
    {
        if ((ulong)(uint)destination + (uint)count > (ulong)table.Size || (ulong)(uint)source + (uint)count > (ulong)segment.Length)
            WasmTrap.Throw(TrapKind.TableOutOfBounds);
        segment.AsSpan((int)(uint)source, (int)(uint)count).CopyTo(table.Elements.AsSpan((int)(uint)destination));
    }

    public static int TableSize(Table table) => table.Size;
}
