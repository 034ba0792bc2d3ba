using System.Reflection;
using System.Runtime.Intrinsics;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// What generated stubs call where values cross between <see cref="Value"/> arrays (the untyped
/// embedding API) and the CLR types generated code uses (int, long, float, double, object,
/// Vector128&lt;byte&gt; for v128).
/// Arrays arrive with their slots typed, so setters keep each slot's <see cref="ValType"/>.
/// </summary>
internal static class Boundary
{
    public static int GetI32(Value[] values, int i) => values[i].AsI32();
    public static long GetI64(Value[] values, int i) => values[i].AsI64();
    public static float GetF32(Value[] values, int i) => values[i].AsF32();
    public static double GetF64(Value[] values, int i) => values[i].AsF64();
    public static object? GetRef(Value[] values, int i) => values[i].Ref;
    public static Vector128<byte> GetV128(Value[] values, int i) => values[i].AsV128();

    public static void SetI32(Value[] values, int i, int v) => values[i] = new Value(values[i].Type, (uint)v);
    public static void SetI64(Value[] values, int i, long v) => values[i] = new Value(values[i].Type, (ulong)v);
    public static void SetF32(Value[] values, int i, float v) => values[i] = new Value(values[i].Type, BitConverter.SingleToUInt32Bits(v));
    public static void SetF64(Value[] values, int i, double v) => values[i] = new Value(values[i].Type, BitConverter.DoubleToUInt64Bits(v));
    public static void SetRef(Value[] values, int i, object? v) => values[i] = Value.Reference(values[i].Type, v);
    public static void SetV128(Value[] values, int i, Vector128<byte> v) => values[i] = Value.V128(v);

    /// <summary>Zero values of <paramref name="types"/>, for a stub to fill.</summary>
    public static Value[] Typed(ReadOnlyValues<ValType> types)
    {
        if (types.Length == 0) return [];
        var values = new Value[types.Length];
        for (int i = 0; i < values.Length; i++) values[i] = new Value(types[i], 0);
        return values;
    }

    /// <summary>The arguments array a host adapter fills: typed by the host function's type.</summary>
    public static Value[] HostArguments(InstanceContext host) => Typed(host.Types[0].Parameters);

    /// <summary>Runs an untyped host callback for a host adapter, as called by the instance whose
    /// context is <paramref name="caller"/>, and checks what it returned.</summary>
    public static Value[] CallHost(InstanceContext host, InstanceContext? caller, Value[] args)
    {
        var type = host.Types[0];
        var results = Typed(type.Results);
        ((HostCallback)host.HostCallback!)(new Caller(caller), args, results);
        for (int i = 0; i < results.Length; i++)
        {
            if (results[i].Type != type.Results[i])
                throw new WasmTrap(TrapKind.HostError, $"host function returned {results[i].Type} for result {i}, expected {type.Results[i]}");
            if (type.Results[i] == ValType.FuncRef && results[i].Ref is not (null or Func))
                throw new WasmTrap(TrapKind.HostError, $"host function returned a {results[i].Ref!.GetType().Name} as a funcref");
        }
        return results;
    }

    private static readonly Dictionary<ValTypeKind, (MethodInfo Get, MethodInfo Set)> s_accessors = new()
    {
        [ValTypeKind.I32] = (Method(nameof(GetI32)), Method(nameof(SetI32))),
        [ValTypeKind.I64] = (Method(nameof(GetI64)), Method(nameof(SetI64))),
        [ValTypeKind.F32] = (Method(nameof(GetF32)), Method(nameof(SetF32))),
        [ValTypeKind.F64] = (Method(nameof(GetF64)), Method(nameof(SetF64))),
        [ValTypeKind.Ref] = (Method(nameof(GetRef)), Method(nameof(SetRef))),
        [ValTypeKind.V128] = (Method(nameof(GetV128)), Method(nameof(SetV128))),
    };

    /// <summary>The getter (<c>(Value[], int) -&gt; T</c>) for values of <paramref name="type"/>.</summary>
    public static MethodInfo Getter(ValType type) => Accessors(type).Get;

    /// <summary>The setter (<c>(Value[], int, T) -&gt; void</c>) for values of <paramref name="type"/>.</summary>
    public static MethodInfo Setter(ValType type) => Accessors(type).Set;

    private static (MethodInfo Get, MethodInfo Set) Accessors(ValType type) =>
        s_accessors.TryGetValue(type.Kind, out var pair) ? pair : throw new WasmUnsupportedFeatureException("function-references", type + " value at the embedding boundary");

    private static MethodInfo Method(string name) => typeof(Boundary).GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;
}
