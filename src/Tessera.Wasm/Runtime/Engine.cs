namespace Tessera.Wasm.Runtime;

/// <summary>Configuration shared by the modules it compiles: the enabled features. The compiled-code
/// cache will live here.</summary>
public sealed class Engine
{
    public Engine(WasmFeatures features = WasmFeatures.Wasm2) => Features = features;

    public WasmFeatures Features { get; }
}
