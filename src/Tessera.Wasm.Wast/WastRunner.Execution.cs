using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;
using Tessera.Wasm.Text;

namespace Tessera.Wasm.Wast;

// Execution of script commands: instances by name, the spectest host module, actions and the
// assertions about their results.
public sealed partial class WastRunner
{
    private readonly Engine _engine;
    private readonly Store _store;
    private readonly Linker _linker;
    private readonly Dictionary<string, Instance?> _instances = new(StringComparer.Ordinal);
    private Instance? _current;
    /// <summary>Names registered for modules that were not compiled (unsupported features).</summary>
    private readonly HashSet<string> _unavailable = new(StringComparer.Ordinal);
    /// <summary>Set once a module with imports was not compiled: it may have written into other
    /// instances' memories or tables, so a later wrong result is skipped rather than failed.</summary>
    private bool _sideEffectsMissing;

    /// <summary>Fails, or skips when an uncompiled module's side effects may explain the failure.</summary>
    private void FailExecution(WastScriptResult result, WastCommand command, string detail)
    {
        if (_sideEffectsMissing) Skip(result, command, "an earlier module with imports was not compiled: " + detail);
        else Fail(result, command, detail);
    }

    private bool NeedsUnavailableModule(WastModule module)
    {
        if (_unavailable.Count == 0) return false;
        try
        {
            var definition = Binary.ModuleDecoder.Decode(module.ToBinary(_textVersion), _features);
            return definition.Imports.Any(i => _unavailable.Contains(i.Module));
        }
        catch (WasmException)
        {
            return false;
        }
    }

    private void SetCurrent(string? id, Instance? instance)
    {
        _current = instance;
        if (id is not null) _instances[id.TrimStart('$')] = instance;
    }

    private Instance? Resolve(string? id) =>
        id is null ? _current : _instances.GetValueOrDefault(id.TrimStart('$'));

    /// <summary>The host module every spec script may import (the reference interpreter's spectest).</summary>
    private Linker SpecTestLinker()
    {
        // A script's register names a module again when it registers another under the same name.
        var linker = new Linker { AllowShadowing = true };
        Value[] Nothing(Value[] _) => [];
        void Print(string name, params ValType[] ps) => linker.Define("spectest", name, new Func(new FuncType(ps, []), Nothing));
        Print("print");
        Print("print_i32", ValType.I32);
        Print("print_i64", ValType.I64);
        Print("print_f32", ValType.F32);
        Print("print_f64", ValType.F64);
        Print("print_i32_f32", ValType.I32, ValType.F32);
        Print("print_f64_f64", ValType.F64, ValType.F64);
        linker.Define("spectest", "global_i32", new Global(_store, new GlobalType(ValType.I32, false), Value.I32(666)));
        linker.Define("spectest", "global_i64", new Global(_store, new GlobalType(ValType.I64, false), Value.I64(666)));
        linker.Define("spectest", "global_f32", new Global(_store, new GlobalType(ValType.F32, false), Value.F32(666.6f)));
        linker.Define("spectest", "global_f64", new Global(_store, new GlobalType(ValType.F64, false), Value.F64(666.6)));
        linker.Define("spectest", "table", new Table(_store, new TableType(ValType.FuncRef, new Limits(10, 20))));
        // All in the script's store; the memory has guard pages when the engine's code relies on them.
        linker.Define("spectest", "memory", new Memory(_store, new MemoryType(new Limits(1, 2))));
        return linker;
    }

    private enum ActionResult { Ok, NoInstance, Unsupported }

    /// <summary>Runs an invoke or get. Traps propagate as <see cref="WasmTrap"/>.</summary>
    private ActionResult Execute(WastAction action, out Value[] results)
    {
        results = [];
        var instance = Resolve(action.ModuleId);
        if (instance is null) return ActionResult.NoInstance;
        if (!action.IsInvoke)
        {
            var global = instance.GetGlobal(action.Name) ?? throw new InvalidOperationException("no global export " + action.Name);
            results = [global.Value];
            return ActionResult.Ok;
        }
        var func = instance.GetFunc(action.Name) ?? throw new InvalidOperationException("no function export " + action.Name);
        var args = new Value[action.Arguments.Count];
        for (int i = 0; i < args.Length; i++)
        {
            switch (action.Arguments[i])
            {
                case WastNumber n: args[i] = new Value(n.Type, n.Bits); break;
                case WastVector v:
                    {
                        var bytes = v.ToBytes();
                        args[i] = Value.V128(BitConverter.ToUInt64(bytes, 0), BitConverter.ToUInt64(bytes, 8));
                        break;
                    }
                case WastReference { Kind: WastRefKind.Null } r:
                    args[i] = Value.Reference(r.HeapType == HeapType.Extern ? ValType.ExternRef : ValType.FuncRef, null);
                    break;
                case WastReference { Kind: WastRefKind.Extern, Payload: { } payload }:
                    args[i] = Value.Reference(ValType.ExternRef, new ExternRef(payload));
                    break;
                default: return ActionResult.Unsupported;
            }
        }
        results = func.Invoke(args);
        return ActionResult.Ok;
    }

    private void AssertReturn(WastScriptResult result, WastAssertReturnCommand command)
    {
        ActionResult outcome;
        Value[] actual;
        try
        {
            outcome = Execute(command.Action, out actual);
        }
        catch (WasmTrap trap)
        {
            FailExecution(result, command, $"{command.Action} trapped: {trap.Message}");
            return;
        }
        if (outcome == ActionResult.NoInstance) { Skip(result, command, "module not instantiated"); return; }
        if (outcome == ActionResult.Unsupported) { Skip(result, command, "reference or vector argument"); return; }
        if (actual.Length != command.Expected.Count)
        {
            Fail(result, command, $"{command.Action} returned {actual.Length} values, expected {command.Expected.Count}");
            return;
        }
        for (int i = 0; i < actual.Length; i++)
        {
            bool? match = Matches(command.Expected[i], actual[i]);
            if (match is null) { Skip(result, command, "reference or vector result"); return; }
            if (match == false)
            {
                FailExecution(result, command, $"{command.Action} result {i} is {actual[i]} (0x{actual[i].Bits:x}), expected {command.Expected[i]}");
                return;
            }
        }
        result.Passed++;
    }

    /// <summary>True or false for a number pattern; null when the pattern needs values the engine
    /// does not support yet.</summary>
    private static bool? Matches(WastValue expected, Value actual)
    {
        switch (expected)
        {
            case WastEither either:
                bool any = false;
                foreach (var alternative in either.Alternatives)
                {
                    var m = Matches(alternative, actual);
                    if (m is null) return null;
                    any |= m.Value;
                }
                return any;
            case WastNumber n:
                if (n.Type != actual.Type) return false;
                bool is32 = n.Type.Kind == ValTypeKind.F32;
                ulong bits = actual.Bits;
                return n.Pattern switch
                {
                    // Canonical: only the quiet bit set in the payload; arithmetic: the quiet bit set.
                    NanPattern.Canonical => is32 ? (bits & 0x7FFF_FFFF) == 0x7FC0_0000 : (bits & 0x7FFF_FFFF_FFFF_FFFF) == 0x7FF8_0000_0000_0000,
                    NanPattern.Arithmetic => is32 ? (bits & 0x7FC0_0000) == 0x7FC0_0000 : (bits & 0x7FF8_0000_0000_0000) == 0x7FF8_0000_0000_0000,
                    _ => n.Type.Kind is ValTypeKind.I32 or ValTypeKind.F32 ? (uint)bits == (uint)n.Bits : bits == n.Bits,
                };
            case WastVector v:
                return actual.Type.Kind == ValTypeKind.V128 && VectorMatches(v, actual);
            case WastReference r when actual.Type.IsRef:
                return r.Kind switch
                {
                    WastRefKind.Null => actual.Ref is null,
                    WastRefKind.Func => actual.Ref is Func,
                    WastRefKind.Extern => r.Payload is { } p ? actual.Ref is ExternRef e && e.Payload == p : actual.Ref is not null,
                    _ => null,
                };
            case WastReference:
                return false;
            default:
                return null;
        }
    }

    /// <summary>Compares lane by lane in the expected shape, so a float lane may be a NaN pattern.</summary>
    private static bool VectorMatches(WastVector expected, Value actual)
    {
        int laneBytes = expected.Shape switch
        {
            V128Shape.I8x16 => 1,
            V128Shape.I16x8 => 2,
            V128Shape.I32x4 or V128Shape.F32x4 => 4,
            _ => 8,
        };
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), actual.Bits);
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), actual.HighBits);
        for (int lane = 0; lane < expected.Lanes.Count; lane++)
        {
            ulong bits = 0;
            for (int b = laneBytes - 1; b >= 0; b--) bits = (bits << 8) | bytes[lane * laneBytes + b];
            bool ok = expected.LanePatterns[lane] switch
            {
                NanPattern.Canonical => laneBytes == 4 ? (bits & 0x7FFF_FFFF) == 0x7FC0_0000 : (bits & 0x7FFF_FFFF_FFFF_FFFF) == 0x7FF8_0000_0000_0000,
                NanPattern.Arithmetic => laneBytes == 4 ? (bits & 0x7FC0_0000) == 0x7FC0_0000 : (bits & 0x7FF8_0000_0000_0000) == 0x7FF8_0000_0000_0000,
                _ => bits == (expected.Lanes[lane] & (laneBytes == 8 ? ulong.MaxValue : (1UL << (laneBytes * 8)) - 1)),
            };
            if (!ok) return false;
        }
        return true;
    }

    private void AssertTraps(WastScriptResult result, WastAssertActionCommand command)
    {
        bool exhaustion = command.Kind == WastCommandKind.AssertExhaustion;
        try
        {
            var outcome = Execute(command.Action, out _);
            if (outcome == ActionResult.NoInstance) { Skip(result, command, "module not instantiated"); return; }
            if (outcome == ActionResult.Unsupported) { Skip(result, command, "reference or vector argument"); return; }
            FailExecution(result, command, $"{command.Action} returned, expected a trap \"{command.Message}\"");
        }
        catch (WasmTrap trap)
        {
            if (exhaustion && trap.Kind != TrapKind.StackExhausted)
            {
                Fail(result, command, $"expected stack exhaustion, got {trap.Message}");
                return;
            }
            PassWithMessage(result, command, trap.Rule, command.Message ?? "");
        }
    }

    private void ExpectInstantiationFailure(WastScriptResult result, WastAssertModuleCommand command, byte[] binary)
    {
        bool unlinkable = command.Kind == WastCommandKind.AssertUnlinkable;
        try
        {
            var module = Module.FromBytes(_engine, binary);
            _linker.Instantiate(_store, module);
            Fail(result, command, $"module instantiated, expected \"{command.Message}\"");
        }
        catch (WasmUnsupportedFeatureException u)
        {
            Skip(result, command, u.Message);
            if (Binary.ModuleDecoder.Decode(binary, _features).Imports.Count > 0) _sideEffectsMissing = true;
        }
        catch (WasmLinkException e) when (unlinkable)
        {
            PassWithMessage(result, command, e.Rule, command.Message);
        }
        catch (WasmTrap e) when (!unlinkable)
        {
            PassWithMessage(result, command, e.Rule, command.Message);
        }
        catch (WasmException e)
        {
            Fail(result, command, $"expected {(unlinkable ? "a link error" : "a trap")} \"{command.Message}\", got {e.Message}");
        }
    }

    private static void PassWithMessage(WastScriptResult result, WastCommand command, string actual, string expected)
    {
        result.Passed++;
        if (!MessageMatches(actual, expected))
        {
            result.MessageMismatches++;
            result.Outcomes.Add(new WastOutcome(command.Position, command.Kind, WastVerdict.Passed, $"message \"{actual}\", spec says \"{expected}\""));
        }
    }
}
