namespace Tessera.Wasm.Validation;

/// <summary>Why a value type cannot be used with the enabled features.</summary>
internal enum ValTypeProblem : byte
{
    None,
    /// <summary>A concrete heap type whose index is not in the type section (rule "unknown type").</summary>
    UnknownType,
    /// <summary>v128 without the SIMD feature.</summary>
    Simd,
    /// <summary>A typed reference <c>(ref null? ht)</c> other than funcref and externref.</summary>
    FunctionReferences,
    /// <summary>A heap type of the exception-handling proposal (exn, noexn).</summary>
    Exceptions,
    /// <summary>A heap type of the GC proposal, which this engine does not implement.</summary>
    Gc,
}

/// <summary>Proposal names of <see cref="WasmFeatures"/> flags, as used by <see cref="WasmUnsupportedFeatureException"/>.</summary>
internal static class Features
{
    /// <summary>The proposal name of the lowest flag set in <paramref name="feature"/>.</summary>
    public static string Name(WasmFeatures feature)
    {
        var lowest = (WasmFeatures)((int)feature & -(int)feature);
        return lowest switch
        {
            WasmFeatures.Mvp => "mvp",
            WasmFeatures.MutableGlobals => "mutable-globals",
            WasmFeatures.SignExtension => "sign-extension",
            WasmFeatures.SaturatingFloatToInt => "nontrapping-float-to-int",
            WasmFeatures.MultiValue => "multi-value",
            WasmFeatures.BulkMemory => "bulk-memory",
            WasmFeatures.ReferenceTypes => "reference-types",
            WasmFeatures.Simd => "simd",
            WasmFeatures.RelaxedSimd => "relaxed-simd",
            WasmFeatures.TailCall => "tail-call",
            WasmFeatures.Exceptions => "exceptions",
            WasmFeatures.FunctionReferences => "function-references",
            WasmFeatures.Gc => "gc",
            WasmFeatures.MultiMemory => "multi-memory",
            WasmFeatures.Memory64 => "memory64",
            WasmFeatures.ExtendedConst => "extended-const",
            WasmFeatures.Threads => "threads",
            _ => feature.ToString(),
        };
    }

    public static WasmFeatures ForProblem(ValTypeProblem problem) => problem switch
    {
        ValTypeProblem.FunctionReferences => WasmFeatures.FunctionReferences,
        ValTypeProblem.Exceptions => WasmFeatures.Exceptions,
        ValTypeProblem.Simd => WasmFeatures.Simd,
        _ => WasmFeatures.Gc,
    };
}
