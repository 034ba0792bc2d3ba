using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// The one calling convention of compiled and host functions alike:
/// <c>(InstanceContext, params..., ref results[1..]) -&gt; results[0]</c>. Values are int, long,
/// float, double, Vector128&lt;byte&gt; (v128) or object (references); a call through a <see cref="Func"/> is
/// <c>calli</c> on its code pointer with its context as the first argument.
/// </summary>
internal static class ClrSignature
{
    public static Type Return(FuncType type) => type.Results.Length == 0 ? typeof(void) : FunctionCompiler.ClrType(type.Results[0]);

    /// <summary>The context, the WebAssembly parameters, then a byref per result after the first.</summary>
    public static Type[] Parameters(FuncType type)
    {
        int extra = Math.Max(0, type.Results.Length - 1);
        var parameters = new Type[1 + type.Parameters.Length + extra];
        parameters[0] = typeof(InstanceContext);
        for (int p = 0; p < type.Parameters.Length; p++) parameters[p + 1] = FunctionCompiler.ClrType(type.Parameters[p]);
        for (int r = 1; r < type.Results.Length; r++) parameters[type.Parameters.Length + r] = FunctionCompiler.ClrType(type.Results[r]).MakeByRefType();
        return parameters;
    }

    /// <summary>A host function's direct adapter (<see cref="HostAdapters"/>): its own context, then
    /// the calling instance's, then as <see cref="Parameters"/>.</summary>
    public static Type[] DirectHostParameters(FuncType type) => [typeof(InstanceContext), .. Parameters(type)];

    /// <summary>Emits <c>calli</c> for a host function's direct adapter of <paramref name="type"/>;
    /// the stack holds the arguments as <see cref="DirectHostParameters"/> lists them, then the code pointer.</summary>
    public static void EmitDirectHostCalli(ILGenerator il, FuncType type, bool tail = false)
    {
        if (tail) il.Emit(OpCodes.Tailcall);
        il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, Return(type), DirectHostParameters(type), null);
    }

    /// <summary>Emits <c>calli</c> for a function of <paramref name="type"/>; the stack holds the
    /// arguments as <see cref="Parameters"/> lists them, then the code pointer.</summary>
    public static void EmitCalli(ILGenerator il, FuncType type, bool tail = false)
    {
        if (tail) il.Emit(OpCodes.Tailcall);
        il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, Return(type), Parameters(type), null);
    }

    /// <summary>The WebAssembly type a CLR type in a typed host function or typed call stands for.</summary>
    public static ValType? ValTypeOf(Type clr) =>
        clr == typeof(int) ? ValType.I32
        : clr == typeof(long) ? ValType.I64
        : clr == typeof(float) ? ValType.F32
        : clr == typeof(double) ? ValType.F64
        : clr == typeof(Vector128<byte>) ? ValType.V128
        : clr == typeof(Func) ? ValType.FuncRef
        : clr == typeof(object) ? ValType.ExternRef
        : null;

    /// <summary>Results of a typed signature: none for void, the items of a ValueTuple, else one.</summary>
    public static Type[] ResultTypes(Type returnType)
    {
        if (returnType == typeof(void)) return [];
        if (IsValueTuple(returnType)) return returnType.GetGenericArguments();
        return [returnType];
    }

    public static bool IsValueTuple(Type type) =>
        type.IsGenericType && type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal) && type.GetGenericArguments().Length <= 7;

    /// <summary>The field of item <paramref name="index"/> (0-based) of a ValueTuple type.</summary>
    public static FieldInfo TupleItem(Type tuple, int index) => tuple.GetField("Item" + (index + 1))!;

    public static void EmitStoreIndirect(ILGenerator il, Type clr)
    {
        if (clr == typeof(int)) il.Emit(OpCodes.Stind_I4);
        else if (clr == typeof(long)) il.Emit(OpCodes.Stind_I8);
        else if (clr == typeof(float)) il.Emit(OpCodes.Stind_R4);
        else if (clr == typeof(double)) il.Emit(OpCodes.Stind_R8);
        else if (!clr.IsValueType) il.Emit(OpCodes.Stind_Ref);
        else il.Emit(OpCodes.Stobj, clr);
    }
}
