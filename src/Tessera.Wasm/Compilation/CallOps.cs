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
}
