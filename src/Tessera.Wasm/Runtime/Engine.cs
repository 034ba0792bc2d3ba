using Tessera.Wasm.Caching;

namespace Tessera.Wasm.Runtime;

/// <summary>Configuration shared by the modules it compiles: the enabled features and, if asked
/// for, the on-disk cache of compiled modules.</summary>
public sealed class Engine
{
    public Engine(WasmFeatures features = WasmFeatures.Wasm2, EngineOptions? options = null)
    {
        Features = features;
        Options = options ?? new EngineOptions();
        if (Options.UseCache && (Options.CacheDirectory ?? ModuleCache.DefaultDirectory) is { } directory) Cache = new ModuleCache(directory);
    }

    public WasmFeatures Features { get; }

    public EngineOptions Options { get; }

    /// <summary>The cache modules are compiled through, or null when caching is off (or on with no
    /// directory to use: no home directory and no <see cref="EngineOptions.CacheDirectory"/>).</summary>
    public ModuleCache? Cache { get; }
}
