using System.Reflection;
using System.Reflection.Emit;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// Host functions get compiled adapters with the calling convention of compiled functions
/// (<see cref="ClrSignature"/>), so generated code calls a host function exactly as it calls a
/// WebAssembly one: <c>calli</c> through the function's code pointer. An untyped adapter packs the
/// arguments into <see cref="Value"/>s for a <see cref="HostCallback"/>; a typed adapter calls the
/// embedder's delegate directly, with no allocation and no boxing.
/// </summary>
/// <remarks>
/// Each host function has two adapters of one body. <see cref="Entries.Code"/> takes the function's
/// own context (the callback, and the importing instance once bound as a reference) and is what
/// tables, exports and the embedder call. <see cref="Entries.Direct"/> takes the function's context
/// and then the calling instance's: a direct call of an import passes its own context there, so
/// an instance needs no context per imported host function (<see cref="InstanceContext.FunctionRef"/>).
/// </remarks>
internal static class HostAdapters
{
    /// <summary>The two code pointers of one host function's adapter. A class, so the tables below
    /// are instantiations the runtime has precompiled (start-up: docs/benchmarks.md, Startup).</summary>
    public sealed record Entries(nint Code, nint Direct);

    private static readonly Dictionary<FuncType, Entries> s_untyped = [];
    private static readonly Dictionary<Type, Entries> s_typed = [];

    private static readonly FieldInfo s_callback = typeof(InstanceContext).GetField(nameof(InstanceContext.HostCallback))!;
    private static readonly FieldInfo s_caller = typeof(InstanceContext).GetField(nameof(InstanceContext.Caller))!;

    /// <summary>The adapters for an untyped callback of <paramref name="type"/>.</summary>
    public static Entries Untyped(FuncType type)
    {
        lock (s_untyped)
        {
            if (!s_untyped.TryGetValue(type, out var entries)) s_untyped[type] = entries = Define(type, (il, direct) => EmitUntyped(il, type, direct));
            return entries;
        }
    }

    /// <summary>The adapters for delegates of <paramref name="delegateType"/>, whose WebAssembly type
    /// is <paramref name="type"/>: instantiated generic ones (<see cref="GenericHostAdapters"/>) where
    /// the delegate's shape allows, generated ones otherwise. <paramref name="callerType"/> is the
    /// delegate's first parameter when it is a <see cref="Caller"/> or <see cref="Caller{T}"/>.</summary>
    public static Entries Typed(Type delegateType, FuncType type, Type? callerType)
    {
        lock (s_typed)
        {
            if (!s_typed.TryGetValue(delegateType, out var entries))
            {
                entries = GenericHostAdapters.TryGet(delegateType, callerType);
                if (entries is null)
                {
                    // Generated code lives in an assembly of its own and may only name public types
                    // (and the engine's own): said here, not as a TypeAccessException at the
                    // function's first call.
                    if (!delegateType.IsVisible && delegateType.Assembly != typeof(HostAdapters).Assembly)
                        throw new ArgumentException($"the host function's delegate type {delegateType} is not public: use a public delegate type, or Func<...>/Action<...>");
                    entries = Define(type, (il, direct) => EmitTyped(il, delegateType, type, callerType, direct));
                }
                s_typed[delegateType] = entries;
            }
            return entries;
        }
    }

    private static Entries Define(FuncType type, Action<ILGenerator, bool> emit)
    {
        var methods = GeneratedAssembly.DefineStubs("host",
        [
            ("host", ClrSignature.Return(type), ClrSignature.Parameters(type), il => emit(il, false)),
            ("host_direct", ClrSignature.Return(type), ClrSignature.DirectHostParameters(type), il => emit(il, true)),
        ]);
        return new(Pointer(methods[0]), Pointer(methods[1]));
    }

    private static nint Pointer(MethodInfo method) => method.MethodHandle.GetFunctionPointer();

    /// <summary>Pushes the calling instance's context: the second argument of a direct adapter, the
    /// bound importer of the function's own context otherwise.</summary>
    private static void LoadCaller(ILGenerator il, bool direct)
    {
        if (direct)
        {
            il.Emit(OpCodes.Ldarg_1);
            return;
        }
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, s_caller);
    }

    private static void EmitUntyped(ILGenerator il, FuncType type, bool direct)
    {
        // WebAssembly's parameters start after the contexts.
        int first = direct ? 2 : 1;
        var args = il.DeclareLocal(typeof(Value[]));
        var results = il.DeclareLocal(typeof(Value[]));
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, typeof(Boundary).GetMethod(nameof(Boundary.HostArguments))!);
        il.Emit(OpCodes.Stloc, args);
        for (int i = 0; i < type.Parameters.Length; i++)
        {
            il.Emit(OpCodes.Ldloc, args);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldarg, first + i);
            il.Emit(OpCodes.Call, Boundary.Setter(type.Parameters[i]));
        }
        il.Emit(OpCodes.Ldarg_0);
        LoadCaller(il, direct);
        il.Emit(OpCodes.Ldloc, args);
        il.Emit(OpCodes.Call, typeof(Boundary).GetMethod(nameof(Boundary.CallHost))!);
        il.Emit(OpCodes.Stloc, results);
        for (int r = 1; r < type.Results.Length; r++)
        {
            il.Emit(OpCodes.Ldarg, first + type.Parameters.Length + r - 1);
            il.Emit(OpCodes.Ldloc, results);
            il.Emit(OpCodes.Ldc_I4, r);
            il.Emit(OpCodes.Call, Boundary.Getter(type.Results[r]));
            ClrSignature.EmitStoreIndirect(il, FunctionCompiler.ClrType(type.Results[r]));
        }
        if (type.Results.Length > 0)
        {
            il.Emit(OpCodes.Ldloc, results);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Call, Boundary.Getter(type.Results[0]));
        }
        il.Emit(OpCodes.Ret);
    }

    private static void EmitTyped(ILGenerator il, Type delegateType, FuncType type, Type? callerType, bool direct)
    {
        int first = direct ? 2 : 1;
        var invoke = delegateType.GetMethod("Invoke")!;
        var clrParameters = invoke.GetParameters();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, s_callback);
        il.Emit(OpCodes.Castclass, delegateType);
        if (callerType is not null)
        {
            LoadCaller(il, direct);
            il.Emit(OpCodes.Newobj, callerType.GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, [typeof(InstanceContext)])!);
        }
        int offset = callerType is null ? 0 : 1;
        for (int i = 0; i < type.Parameters.Length; i++)
        {
            il.Emit(OpCodes.Ldarg, first + i);
            // Generated code holds funcrefs as object; the delegate wants a Func.
            if (clrParameters[i + offset].ParameterType == typeof(Func)) il.Emit(OpCodes.Castclass, typeof(Func));
        }
        il.Emit(OpCodes.Callvirt, invoke);
        var returnType = invoke.ReturnType;
        if (ClrSignature.IsValueTuple(returnType))
        {
            var tuple = il.DeclareLocal(returnType);
            il.Emit(OpCodes.Stloc, tuple);
            for (int r = 1; r < type.Results.Length; r++)
            {
                il.Emit(OpCodes.Ldarg, first + type.Parameters.Length + r - 1);
                il.Emit(OpCodes.Ldloc, tuple);
                il.Emit(OpCodes.Ldfld, ClrSignature.TupleItem(returnType, r));
                ClrSignature.EmitStoreIndirect(il, FunctionCompiler.ClrType(type.Results[r]));
            }
            il.Emit(OpCodes.Ldloc, tuple);
            il.Emit(OpCodes.Ldfld, ClrSignature.TupleItem(returnType, 0));
        }
        il.Emit(OpCodes.Ret);
    }
}
