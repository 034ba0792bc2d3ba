using System.Reflection;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// A function: a compiled WebAssembly function bound to its instance, or a host function.
/// <see cref="Invoke"/> is the untyped call; typed fast paths come later.
/// </summary>
public sealed class Func
{
    /// <summary>How much stack the outermost call into WebAssembly lets guests use before
    /// StackExhausted: well below the 1.5 MiB of a .NET thread-pool thread on Linux.</summary>
    public const int StackBudget = 768 * 1024;

    [ThreadStatic] private static nuint t_stackLimit;

    private readonly InstanceContext? _context;
    private readonly MethodInfo? _method;
    private readonly Func<Value[], Value[]>? _host;

    internal Func(FuncType type, InstanceContext context, MethodInfo method)
    {
        Type = type;
        _context = context;
        _method = method;
    }

    /// <summary>A host function; <paramref name="host"/> receives and returns values of <paramref name="type"/>.</summary>
    public Func(FuncType type, Func<Value[], Value[]> host)
    {
        Type = type;
        _host = host;
    }

    public FuncType Type { get; }

    /// <summary>Calls the function. Arguments must match <see cref="Type"/>; a trap throws <see cref="WasmTrap"/>.</summary>
    public Value[] Invoke(params Value[] args)
    {
        if (args.Length != Type.Parameters.Length) throw new ArgumentException($"expected {Type.Parameters.Length} arguments, got {args.Length}");
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i].Type != Type.Parameters[i]) throw new ArgumentException($"argument {i} is {args[i].Type}, expected {Type.Parameters[i]}");
        }
        if (_host is not null) return _host(args);
        return InvokeCompiled(args);
    }

    private unsafe Value[] InvokeCompiled(Value[] args)
    {
        var context = _context!;
        nuint outer = t_stackLimit;
        nuint savedContextLimit = context.StackLimit;
        if (outer == 0)
        {
            byte probe = 0;
            nuint sp = (nuint)(&probe);
            t_stackLimit = sp - StackBudget;
        }
        context.StackLimit = t_stackLimit;
        try
        {
            var results = Type.Results;
            var clrArgs = new object?[args.Length + Math.Max(1, results.Length)];
            clrArgs[0] = context;
            for (int i = 0; i < args.Length; i++) clrArgs[i + 1] = args[i].ToClr();
            for (int i = 1; i < results.Length; i++) clrArgs[args.Length + i] = new Value(results[i], 0).ToClr();
            object? result = _method!.Invoke(null, BindingFlags.DoNotWrapExceptions, null, clrArgs, null);
            if (results.Length == 0) return [];
            var values = new Value[results.Length];
            values[0] = Value.FromClr(results[0], result);
            for (int i = 1; i < results.Length; i++) values[i] = Value.FromClr(results[i], clrArgs[args.Length + i]);
            return values;
        }
        catch (InsufficientExecutionStackException)
        {
            throw new WasmTrap(TrapKind.StackExhausted);
        }
        finally
        {
            context.StackLimit = savedContextLimit;
            t_stackLimit = outer;
        }
    }

    /// <summary>Entry from generated code (imported calls, call_indirect): arguments and results as
    /// bits, one slot a value, two for a v128 (low half first).</summary>
    public ulong[] CallFromWasm(ulong[] args)
    {
        var values = new Value[Type.Parameters.Length];
        for (int i = 0, slot = 0; i < values.Length; i++, slot++)
        {
            var type = Type.Parameters[i];
            values[i] = type.Kind == ValTypeKind.V128 ? Value.V128(args[slot], args[++slot]) : new Value(type, args[slot]);
        }
        var results = _host is not null ? _host(values) : InvokeCompiled(values);
        if (results.Length != Type.Results.Length) throw new WasmTrap(TrapKind.HostError, $"host function returned {results.Length} values, expected {Type.Results.Length}");
        var bits = new ulong[Value.SlotCount(Type.Results)];
        for (int i = 0, slot = 0; i < results.Length; i++, slot++)
        {
            if (results[i].Type != Type.Results[i]) throw new WasmTrap(TrapKind.HostError, $"host function returned {results[i].Type}, expected {Type.Results[i]}");
            bits[slot] = results[i].Bits;
            if (results[i].Type.Kind == ValTypeKind.V128) bits[++slot] = results[i].HighBits;
        }
        return bits;
    }
}
