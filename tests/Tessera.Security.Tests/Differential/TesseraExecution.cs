using Tessera.Wasm;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Security.Tests.Differential;

/// <summary>Runs a module under Tessera and writes its <see cref="Transcript"/>.</summary>
internal static class TesseraExecution
{
    /// <summary>The features both engines run: WebAssembly 2.0 and tail calls.</summary>
    public static readonly Engine Engine = new(WasmFeatures.Wasm2 | WasmFeatures.TailCall);

    /// <summary>binaryen's -ttf modules decrement a global at every loop and call and stop at zero;
    /// this export resets it and is called before every other export, as binaryen's own
    /// execution harness does, so every export gets the same budget.</summary>
    public const string HangLimitInitializer = "hangLimitInitializer";

    public static Transcript Run(byte[] bytes)
    {
        var transcript = new Transcript();
        Instance instance;
        try
        {
            var module = Module.FromBytes(Engine, bytes);
            var linker = new Linker();
            foreach (var import in module.Definition.Imports)
            {
                if (import.Kind != ExternKind.Func)
                {
                    transcript.Reject($"import of a {import.Kind}");
                    return transcript;
                }
                var type = module.Definition.Type(import.FunctionType);
                string name = import.Name;
                linker.Define(import.Module, import.Name, Func.FromCallback(type, (_, args, _) =>
                {
                    // Results stay the zeros they arrive as, as on Wasmtime's side.
                    var line = "import " + name;
                    foreach (var arg in args) line += " " + Describe(arg);
                    transcript.Add(line);
                }));
            }
            instance = linker.Instantiate(new Store(Engine), module);
        }
        catch (WasmTrap trap)
        {
            transcript.Add("instantiation trap: " + TrapNames.Of(trap.Kind));
            return transcript;
        }
        catch (WasmException e)
        {
            transcript.Reject(e.GetType().Name + ": " + e.Message);
            return transcript;
        }

        var exports = instance.Module.Definition.Exports;
        var hangLimit = instance.GetFunc(HangLimitInitializer);
        foreach (var export in exports)
        {
            if (export.Kind != ExternKind.Func || export.Name == HangLimitInitializer) continue;
            var func = instance.GetFunc(export.Name)!;
            transcript.Add("call " + export.Name);
            try
            {
                hangLimit?.Invoke();
                var results = func.Invoke([.. func.Type.Parameters.Select(Zero)]);
                transcript.Add("results" + string.Concat(results.Select(r => " " + Describe(r))));
            }
            catch (WasmTrap trap)
            {
                transcript.Add("trap: " + TrapNames.Of(trap.Kind));
            }
        }
        foreach (var export in exports)
        {
            if (export.Kind == ExternKind.Memory) transcript.Add(Observation.Memory(export.Name, instance.GetMemory(export.Name)!.Span));
            else if (export.Kind == ExternKind.Global) transcript.Add($"global {export.Name} {Describe(instance.GetGlobal(export.Name)!.Value)}");
        }
        return transcript;
    }

    private static Value Zero(ValType type) => type.Kind switch
    {
        ValTypeKind.I32 => Value.I32(0),
        ValTypeKind.I64 => Value.I64(0),
        ValTypeKind.F32 => Value.F32Bits(0),
        ValTypeKind.F64 => Value.F64Bits(0),
        ValTypeKind.V128 => Value.V128(0, 0),
        _ => Value.Reference(type, null),
    };

    private static string Describe(Value value)
    {
        switch (value.Type.Kind)
        {
            case ValTypeKind.I32: return Observation.I32(value.AsI32());
            case ValTypeKind.I64: return Observation.I64(value.AsI64());
            case ValTypeKind.F32: return Observation.F32((uint)value.Bits);
            case ValTypeKind.F64: return Observation.F64(value.Bits);
            case ValTypeKind.V128:
                Span<byte> bytes = stackalloc byte[16];
                BitConverter.TryWriteBytes(bytes, value.Bits);
                BitConverter.TryWriteBytes(bytes[8..], value.HighBits);
                return Observation.V128(bytes);
            default: return Observation.Reference(value.Ref is null);
        }
    }
}
