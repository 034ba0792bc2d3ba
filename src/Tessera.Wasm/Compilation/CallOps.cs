using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>Table instructions generated code calls as helpers.</summary>
internal static class CallOps
{
    /// <summary>table.copy: both ranges checked first; overlapping ranges copy as memmove.</summary>
    public static void TableCopy(int destination, int source, int count, Table to, Table from)
    {
        if ((ulong)(uint)destination + (uint)count > (ulong)to.Size || (ulong)(uint)source + (uint)count > (ulong)from.Size)
            WasmTrap.Throw(TrapKind.TableOutOfBounds);
        from.Elements.AsSpan((int)(uint)source, (int)(uint)count).CopyTo(to.Elements.AsSpan((int)(uint)destination));
    }

    /// <summary>table.init from an element segment (empty once dropped).</summary>
    public static void TableInit(int destination, int source, int count, Table table, object?[] segment)
    {
        if ((ulong)(uint)destination + (uint)count > (ulong)table.Size || (ulong)(uint)source + (uint)count > (ulong)segment.Length)
            WasmTrap.Throw(TrapKind.TableOutOfBounds);
        segment.AsSpan((int)(uint)source, (int)(uint)count).CopyTo(table.Elements.AsSpan((int)(uint)destination));
    }

    public static int TableSize(Table table) => table.Size;

    public static object? TableGet(int index, Table table)
    {
        if ((uint)index >= (uint)table.Size) WasmTrap.Throw(TrapKind.TableOutOfBounds);
        return table.Elements[index];
    }

    public static void TableSet(int index, object? value, Table table)
    {
        if ((uint)index >= (uint)table.Size) WasmTrap.Throw(TrapKind.TableOutOfBounds);
        table.Elements[index] = value;
    }

    public static int TableGrow(object? initial, int delta, Table table) => table.Grow((uint)delta, initial);

    public static void TableFill(int destination, object? value, int count, Table table)
    {
        if ((ulong)(uint)destination + (uint)count > (ulong)table.Size) WasmTrap.Throw(TrapKind.TableOutOfBounds);
        table.Elements.AsSpan((int)(uint)destination, (int)(uint)count).Fill(value);
    }

    public static object? SelectRef(object? a, object? b, int c) => c != 0 ? a : b;
}
