namespace Tessera.Wasm;

/// <summary>
/// WebAssembly features by proposal. The decoder and validator accept an instruction or construct
/// only when its feature is enabled, so a configuration can pin an exact language level.
/// </summary>
[Flags]
public enum WasmFeatures
{
    None = 0,
    Mvp = 1 << 0,
    MutableGlobals = 1 << 1,
    SignExtension = 1 << 2,
    SaturatingFloatToInt = 1 << 3,
    MultiValue = 1 << 4,
    BulkMemory = 1 << 5,
    ReferenceTypes = 1 << 6,
    Simd = 1 << 7,
    RelaxedSimd = 1 << 8,
    TailCall = 1 << 9,
    Exceptions = 1 << 10,
    FunctionReferences = 1 << 11,
    Gc = 1 << 12,
    MultiMemory = 1 << 13,
    Memory64 = 1 << 14,
    ExtendedConst = 1 << 15,
    Threads = 1 << 16,

    /// <summary>WebAssembly 2.0 (the W3C recommendation of 2022).</summary>
    Wasm2 = Mvp | MutableGlobals | SignExtension | SaturatingFloatToInt | MultiValue | BulkMemory | ReferenceTypes | Simd,

    /// <summary>WebAssembly 3.0 (2025). The engine implements part of it; modules using the rest
    /// are rejected with <see cref="WasmUnsupportedFeatureException"/>, never as malformed or invalid.</summary>
    Wasm3 = Wasm2 | RelaxedSimd | TailCall | Exceptions | FunctionReferences | Gc | MultiMemory | Memory64 | ExtendedConst,
}
