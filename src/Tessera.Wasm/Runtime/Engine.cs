namespace Tessera.Wasm.Runtime;

/// <summary>Configuration shared by the modules it compiles: the enabled features. The compiled-code
/// cache will live here.</summary>
public sealed class Engine
{
    public Engine(WasmFeatures features = WasmFeatures.Wasm2) => Features = features;

    public WasmFeatures Features { get; }
}

/// <summary>Owns instances and the embedder's data for them. Handles are not yet checked against
/// their store; that comes with typed handles.</summary>
public sealed class Store
{
    public Store(Engine engine, object? data = null)
    {
        Engine = engine;
        Data = data;
    }

    public Engine Engine { get; }

    /// <summary>The embedder's data, available to host functions.</summary>
    public object? Data { get; set; }
}
