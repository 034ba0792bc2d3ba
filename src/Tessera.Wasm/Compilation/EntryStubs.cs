using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// Calls from the host into a <see cref="Func"/>: an untyped stub per function type (arguments and
/// results as <see cref="Value"/> arrays, no reflection), and typed stubs that give the embedder
/// an ordinary delegate such as <c>Func&lt;int, int, int&gt;</c>. Both set the stack guard around
/// the call (<see cref="StackGuard"/>) and turn a guard-page fault into its trap
/// (<see cref="WasmTrap.FromFault"/>); the untyped stub is called inside <see cref="Func.Invoke"/>,
/// which does both for it.
/// </summary>
internal static class EntryStubs
{
    /// <summary>Calls <c>callee</c> with <c>args</c>, writing into the typed slots of <c>results</c>.</summary>
    public delegate void Untyped(Func callee, Value[] args, Value[] results);

    private static readonly ConcurrentDictionary<FuncType, Untyped> s_untyped = new();

    private static readonly FieldInfo s_target = typeof(Func).GetField(nameof(Func.Target), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo s_code = typeof(Func).GetField(nameof(Func.Code), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo s_store = typeof(InstanceContext).GetField(nameof(InstanceContext.Store))!;
    private static readonly MethodInfo s_enter = typeof(StackGuard).GetMethod(nameof(StackGuard.Enter))!;
    private static readonly MethodInfo s_exit = typeof(StackGuard).GetMethod(nameof(StackGuard.Exit))!;
    private static readonly MethodInfo s_fromFault = typeof(WasmTrap).GetMethod(nameof(WasmTrap.FromFault))!;

    /// <summary>The stub of <paramref name="type"/>: generated once per type, except for [] -> [].</summary>
    public static Untyped For(FuncType type) =>
        type.Parameters.Length == 0 && type.Results.Length == 0 ? CallNullary : Generate(type);

    /// <summary>The stub of [] -> [], the type of every WASI command's <c>_start</c>: written here
    /// rather than generated, so running a program needs no dynamic method (and no JIT of one) on
    /// its way in (docs/benchmarks.md, Startup). A static method: naming it does not run this
    /// class's static initializer, which looks up what generated stubs use.</summary>
    private static unsafe void CallNullary(Func callee, Value[] args, Value[] results) =>
        ((delegate*<InstanceContext, void>)callee.Code)(callee.Target);

    private static Untyped Generate(FuncType type) => s_untyped.GetOrAdd(type, static t =>
    {
        var method = new DynamicMethod("entry " + t, typeof(void), [typeof(Func), typeof(Value[]), typeof(Value[])], typeof(EntryStubs).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        var extra = new LocalBuilder[t.Results.Length];
        for (int r = 1; r < t.Results.Length; r++) extra[r] = il.DeclareLocal(FunctionCompiler.ClrType(t.Results[r]));
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, s_target);
        for (int p = 0; p < t.Parameters.Length; p++)
        {
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Ldc_I4, p);
            il.Emit(OpCodes.Call, Boundary.Getter(t.Parameters[p]));
        }
        for (int r = 1; r < t.Results.Length; r++) il.Emit(OpCodes.Ldloca, extra[r]);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, s_code);
        ClrSignature.EmitCalli(il, t);
        if (t.Results.Length > 0)
        {
            var first = il.DeclareLocal(FunctionCompiler.ClrType(t.Results[0]));
            il.Emit(OpCodes.Stloc, first);
            EmitSet(il, t.Results[0], 0, first);
        }
        for (int r = 1; r < t.Results.Length; r++) EmitSet(il, t.Results[r], r, extra[r]);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<Untyped>();
    });

    private static void EmitSet(ILGenerator il, ValType type, int index, LocalBuilder value)
    {
        il.Emit(OpCodes.Ldarg_2);
        il.Emit(OpCodes.Ldc_I4, index);
        il.Emit(OpCodes.Ldloc, value);
        il.Emit(OpCodes.Call, Boundary.Setter(type));
    }

    /// <summary>A delegate of type <paramref name="delegateType"/> that calls <paramref name="callee"/>;
    /// its signature must be the function's (checked by the caller).</summary>
    public static Delegate Typed(Type delegateType, Func callee)
    {
        var type = callee.Type;
        var invoke = delegateType.GetMethod("Invoke")!;
        var clrParameters = invoke.GetParameters().Select(p => p.ParameterType).ToArray();
        var method = new DynamicMethod("call " + type, invoke.ReturnType, [typeof(Func), .. clrParameters], typeof(EntryStubs).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        var store = il.DeclareLocal(typeof(Store));
        var saved = il.DeclareLocal(typeof(StackGuard.Saved));
        var extra = new LocalBuilder[type.Results.Length];
        for (int r = 1; r < type.Results.Length; r++) extra[r] = il.DeclareLocal(FunctionCompiler.ClrType(type.Results[r]));
        var first = type.Results.Length > 0 ? il.DeclareLocal(FunctionCompiler.ClrType(type.Results[0])) : null;

        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, s_target);
        il.Emit(OpCodes.Ldfld, s_store);
        il.Emit(OpCodes.Stloc, store);
        il.Emit(OpCodes.Ldloc, store);
        il.Emit(OpCodes.Call, s_enter);
        il.Emit(OpCodes.Stloc, saved);
        var done = il.BeginExceptionBlock();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, s_target);
        for (int p = 0; p < type.Parameters.Length; p++) il.Emit(OpCodes.Ldarg, p + 1);
        for (int r = 1; r < type.Results.Length; r++) il.Emit(OpCodes.Ldloca, extra[r]);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, s_code);
        ClrSignature.EmitCalli(il, type);
        if (first is not null) il.Emit(OpCodes.Stloc, first);
        il.Emit(OpCodes.Leave, done);
        // catch (NullReferenceException e) { throw WasmTrap.FromFault(e) ?? rethrow; }: an
        // out-of-bounds access under guard pages arrives as the runtime's exception.
        il.BeginCatchBlock(typeof(NullReferenceException));
        var notFault = il.DefineLabel();
        il.Emit(OpCodes.Call, s_fromFault);
        il.Emit(OpCodes.Dup);
        il.Emit(OpCodes.Brfalse_S, notFault);
        il.Emit(OpCodes.Throw);
        il.MarkLabel(notFault);
        il.Emit(OpCodes.Pop);
        il.Emit(OpCodes.Rethrow);
        il.BeginFinallyBlock();
        il.Emit(OpCodes.Ldloc, store);
        il.Emit(OpCodes.Ldloc, saved);
        il.Emit(OpCodes.Call, s_exit);
        il.EndExceptionBlock();

        if (invoke.ReturnType != typeof(void))
        {
            if (ClrSignature.IsValueTuple(invoke.ReturnType))
            {
                il.Emit(OpCodes.Ldloc, first!);
                if (invoke.ReturnType.GetGenericArguments()[0] == typeof(Func)) il.Emit(OpCodes.Castclass, typeof(Func));
                for (int r = 1; r < type.Results.Length; r++)
                {
                    il.Emit(OpCodes.Ldloc, extra[r]);
                    if (invoke.ReturnType.GetGenericArguments()[r] == typeof(Func)) il.Emit(OpCodes.Castclass, typeof(Func));
                }
                il.Emit(OpCodes.Newobj, invoke.ReturnType.GetConstructor(invoke.ReturnType.GetGenericArguments())!);
            }
            else
            {
                il.Emit(OpCodes.Ldloc, first!);
                if (invoke.ReturnType == typeof(Func)) il.Emit(OpCodes.Castclass, typeof(Func));
            }
        }
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate(delegateType, callee);
    }
}
