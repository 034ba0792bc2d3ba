using Tessera.Wasm.Compilation;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// A function: a compiled WebAssembly function bound to its instance, or a host function.
/// </summary>
/// <remarks>
/// Every function is a code pointer and a context with one calling convention
/// (<see cref="ClrSignature"/>): generated code calls imports and table entries with <c>calli</c>,
/// host functions included, and the embedder calls through <see cref="Invoke"/> (untyped) or
/// <see cref="AsDelegate{T}"/> (typed, no boxing).
/// </remarks>
public sealed class Func : Extern
{
    /// <summary>The context passed as the first argument: the defining instance's, or for a host
    /// function one holding the callback (and, once bound as a reference, the importing instance).</summary>
    internal readonly InstanceContext Target;
    /// <summary>The entry point, called with <c>calli</c>.</summary>
    internal readonly nint Code;
    /// <summary>The canonical id of <see cref="Type"/> (<see cref="FuncTypeIds"/>).</summary>
    internal readonly int TypeId;

    internal Func(FuncType type, InstanceContext target, nint code)
        : this(type, target, code, FuncTypeIds.Of(type))
    {
    }

    /// <summary>A function whose canonical type id is known (the module's, or the function being
    /// bound): no lookup.</summary>
    internal Func(FuncType type, InstanceContext target, nint code, int typeId)
    {
        Type = type;
        Target = target;
        Code = code;
        TypeId = typeId;
    }

    /// <summary>A host function taking and returning arrays of values of <paramref name="type"/>.</summary>
    public Func(FuncType type, Func<Value[], Value[]> host)
        : this(type, (HostCallback)((_, args, results) =>
        {
            var returned = host(args.ToArray());
            if (returned.Length != results.Length) throw new WasmTrap(TrapKind.HostError, $"host function returned {returned.Length} values, expected {results.Length}");
            returned.CopyTo(results);
        }), HostAdapters.Untyped(type))
    {
    }

    private Func(FuncType type, object callback, HostAdapters.Entries adapters, Type? callerData = null)
        : this(type, new InstanceContext(store: null) { HostCallback = callback, Types = [type], HostEntry = adapters.Direct }, adapters.Code)
    {
        CallerData = callerData;
    }

    /// <summary>For a host function taking a <see cref="Caller{T}"/>, its <c>T</c>: only a
    /// <see cref="Store{T}"/> of that type may import it.</summary>
    internal Type? CallerData { get; private init; }

    /// <summary>A host function of <paramref name="type"/> that sees its <see cref="Caller"/>.</summary>
    public static Func FromCallback(FuncType type, HostCallback callback) =>
        new(type, callback, HostAdapters.Untyped(type));

    /// <summary>
    /// A typed host function from a delegate whose parameters are optionally a <see cref="Caller"/>
    /// or a <see cref="Caller{T}"/> first (then only a <see cref="Store{T}"/> of that <c>T</c> may
    /// import it), then <c>int</c> (i32), <c>long</c> (i64), <c>float</c> (f32), <c>double</c> (f64),
    /// <see cref="Func"/> (funcref) or <c>object</c> (externref); it returns void, one such value, or a
    /// ValueTuple of them for several results. Calls from WebAssembly reach the delegate directly,
    /// with no boxing.
    /// </summary>
    public static Func Wrap(Delegate callback)
    {
        var invoke = callback.GetType().GetMethod("Invoke")!;
        var parameters = invoke.GetParameters();
        var callerType = parameters.Length > 0 && IsCaller(parameters[0].ParameterType) ? parameters[0].ParameterType : null;
        int first = callerType is null ? 0 : 1;
        var parameterTypes = new ValType[parameters.Length - first];
        for (int i = 0; i < parameterTypes.Length; i++) parameterTypes[i] = ValTypeOf(parameters[first + i].ParameterType, "parameter");
        var resultClrTypes = ClrSignature.ResultTypes(invoke.ReturnType);
        var resultTypes = new ValType[resultClrTypes.Length];
        for (int i = 0; i < resultTypes.Length; i++) resultTypes[i] = ValTypeOf(resultClrTypes[i], "result");
        var type = new FuncType(parameterTypes, resultTypes);
        var callerData = callerType is { IsGenericType: true } ? callerType.GetGenericArguments()[0] : null;
        return new Func(type, callback, HostAdapters.Typed(callback.GetType(), type, callerType), callerData);
    }

    private static bool IsCaller(Type type) =>
        type == typeof(Caller) || type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Caller<>);

    private static ValType ValTypeOf(Type clr, string what) =>
        ClrSignature.ValTypeOf(clr) ?? throw new ArgumentException($"a host function {what} of type {clr.Name} has no WebAssembly type (use int, long, float, double, Func or object)");

    public FuncType Type { get; }

    public override ExternKind Kind => ExternKind.Func;

    /// <summary>The store of the instance that defined this function, or that imported it and made
    /// it a reference; null for a host function as made, which any store may import.</summary>
    public override Store? Owner => Target.Store;

    internal bool IsHost => Target.HostCallback is not null;

    /// <summary>This host function as a reference held by the instance whose context is
    /// <paramref name="importer"/>: a context of its own naming the importer as its caller, so a call
    /// through a table or an export still sees the importing instance
    /// (<see cref="InstanceContext.FunctionRef"/>).</summary>
    internal Func BoundTo(InstanceContext importer)
    {
        var bound = new InstanceContext(importer.Store) { HostCallback = Target.HostCallback, Types = Target.Types, HostEntry = Target.HostEntry, Caller = importer };
        return new Func(Type, bound, Code, TypeId) { CallerData = CallerData };
    }

    /// <summary>Calls the function. Arguments must match <see cref="Type"/>; a trap throws <see cref="WasmTrap"/>.</summary>
    public Value[] Invoke(params Value[] args)
    {
        if (args.Length != Type.Parameters.Length) throw new ArgumentException($"expected {Type.Parameters.Length} arguments, got {args.Length}");
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i].Type != Type.Parameters[i]) throw new ArgumentException($"argument {i} is {args[i].Type}, expected {Type.Parameters[i]}");
            if (args[i].Type == ValType.FuncRef && args[i].Ref is not (null or Func)) throw new ArgumentException($"argument {i} is a funcref holding a {args[i].Ref!.GetType().Name}");
        }
        var stub = EntryStubs.For(Type);
        var results = Boundary.Typed(Type.Results);
        var store = Target.Store;
        var saved = StackGuard.Enter(store);
        try
        {
            stub(this, args, results);
        }
        catch (InsufficientExecutionStackException)
        {
            throw new WasmTrap(TrapKind.StackExhausted);
        }
        catch (NullReferenceException e) when (WasmTrap.FromFault(e) is { } trap)
        {
            throw trap;
        }
        finally
        {
            StackGuard.Exit(store, saved);
        }
        return results;
    }

    /// <summary>
    /// A delegate that calls this function with no boxing, e.g. <c>AsDelegate&lt;Func&lt;int, int, int&gt;&gt;()</c>
    /// for <c>(i32, i32) -&gt; i32</c>; several results come back as a ValueTuple. The delegate's
    /// signature must be the function's type, by the mapping of <see cref="Wrap"/> (without a Caller).
    /// </summary>
    public T AsDelegate<T>() where T : Delegate
    {
        var invoke = typeof(T).GetMethod("Invoke")!;
        var parameters = invoke.GetParameters().Select(p => ClrSignature.ValTypeOf(p.ParameterType)).ToArray();
        var results = ClrSignature.ResultTypes(invoke.ReturnType).Select(ClrSignature.ValTypeOf).ToArray();
        bool matches = parameters.Length == Type.Parameters.Length && results.Length == Type.Results.Length
            && parameters.Zip(Type.Parameters).All(p => p.First == p.Second)
            && results.Zip(Type.Results).All(r => r.First == r.Second);
        if (!matches) throw new ArgumentException($"{typeof(T).Name} does not match the function's type {Type}");
        return (T)EntryStubs.Typed(typeof(T), this);
    }
}
