using Wasmtime;

namespace Tessera.Security.Tests.Differential;

/// <summary>Runs a module under Wasmtime (the reference engine, Cranelift) and writes its
/// <see cref="Transcript"/> the way <see cref="TesseraExecution"/> does.</summary>
internal static class WasmtimeExecution
{
    private static readonly Engine Engine = new(new Config()
        .WithSIMD(true)
        .WithBulkMemory(true)
        .WithMultiValue(true)
        .WithReferenceTypes(true)
        .WithTailCalls(true)
        // Small modules by the thousand: compiling is most of the time, and optimization does
        // not change what a correct module computes. The fuzzer runs modules in parallel itself.
        .WithOptimizationLevel(OptimizationLevel.None)
        .WithParallelCompilation(false));

    public static Transcript Run(byte[] bytes)
    {
        var transcript = new Transcript();
        using var store = new Store(Engine);
        using var linker = new Linker(Engine);
        Module module;
        Instance instance;
        try
        {
            module = Module.FromBytes(Engine, "fuzz", bytes);
        }
        catch (WasmtimeException e)
        {
            transcript.Reject("wasmtime: " + e.Message);
            return transcript;
        }
        using (module)
        {
            try
            {
                foreach (var import in module.Imports)
                {
                    if (import is not FunctionImport function)
                    {
                        transcript.Reject($"import of a {import.GetType().Name}");
                        return transcript;
                    }
                    string name = import.Name;
                    var parameters = function.Parameters.ToArray();
                    var results = function.Results.ToArray();
                    linker.DefineFunction(import.ModuleName, import.Name, (Caller _, ReadOnlySpan<ValueBox> args, Span<ValueBox> res) =>
                    {
                        var line = "import " + name;
                        for (int i = 0; i < args.Length; i++) line += " " + Describe(parameters[i], Unbox(parameters[i], args[i]));
                        transcript.Add(line);
                        for (int i = 0; i < results.Length; i++) res[i] = Zero(results[i]);
                    }, function.Parameters, function.Results);
                }
                instance = linker.Instantiate(store, module);
            }
            catch (TrapException trap)
            {
                transcript.Add("instantiation trap: " + TrapNames.Of(trap.Type));
                return transcript;
            }
            catch (WasmtimeException e)
            {
                transcript.Reject("wasmtime: " + e.Message);
                return transcript;
            }

            var hangLimit = instance.GetFunction(TesseraExecution.HangLimitInitializer);
            foreach (var export in module.Exports)
            {
                if (export is not FunctionExport function || export.Name == TesseraExecution.HangLimitInitializer) continue;
                var func = instance.GetFunction(export.Name)!;
                transcript.Add("call " + export.Name);
                try
                {
                    hangLimit?.Invoke();
                    var args = function.Parameters.Select(Zero).ToArray();
                    object? result = func.Invoke(args);
                    var line = "results";
                    if (function.Results.Count == 1) line += " " + Describe(function.Results[0], result);
                    else if (result is object?[] many) for (int i = 0; i < many.Length; i++) line += " " + Describe(function.Results[i], many[i]);
                    transcript.Add(line);
                }
                catch (TrapException trap)
                {
                    transcript.Add("trap: " + TrapNames.Of(trap.Type));
                }
            }
            foreach (var export in module.Exports)
            {
                if (export is MemoryExport)
                {
                    var memory = instance.GetMemory(export.Name)!;
                    transcript.Add(Observation.Memory(export.Name, memory.GetSpan(0, checked((int)memory.GetLength()))));
                }
                else if (export is GlobalExport global)
                {
                    transcript.Add($"global {export.Name} {Describe(global.Kind, instance.GetGlobal(export.Name)!.GetValue())}");
                }
            }
        }
        return transcript;
    }

    private static ValueBox Zero(ValueKind kind) => kind switch
    {
        ValueKind.Int32 => 0,
        ValueKind.Int64 => 0L,
        ValueKind.Float32 => 0f,
        ValueKind.Float64 => 0d,
        ValueKind.V128 => new V128(new byte[16]),
        ValueKind.FuncRef => Function.Null,
        _ => ValueBox.AsBox<object>(null),
    };

    private static object? Unbox(ValueKind kind, ValueBox box) => kind switch
    {
        ValueKind.Int32 => box.AsInt32(),
        ValueKind.Int64 => box.AsInt64(),
        ValueKind.Float32 => box.AsSingle(),
        ValueKind.Float64 => box.AsDouble(),
        ValueKind.V128 => box.AsV128(),
        _ => null,
    };

    private static string Describe(ValueKind kind, object? value) => kind switch
    {
        ValueKind.Int32 => Observation.I32((int)value!),
        ValueKind.Int64 => Observation.I64((long)value!),
        ValueKind.Float32 => Observation.F32(BitConverter.SingleToUInt32Bits((float)value!)),
        ValueKind.Float64 => Observation.F64(BitConverter.DoubleToUInt64Bits((double)value!)),
        ValueKind.V128 => Observation.V128(((V128)value!).AsSpan()),
        ValueKind.FuncRef => Observation.Reference(value is not Function f || f.IsNull),
        _ => Observation.Reference(value is null),
    };
}
