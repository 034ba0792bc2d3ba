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
        if (Options.BoundsChecks == BoundsChecks.GuardPages && !GuardSlotPool.IsAvailable)
        {
            // Modules compile for the mode the engine really uses: Options says it from here on.
            GuardPagesUnavailableReason = GuardSlotPool.UnavailableReason;
            Options = Options with { BoundsChecks = BoundsChecks.Explicit };
        }
        if (Options.UseCache && (Options.CacheDirectory ?? ModuleCache.DefaultDirectory) is { } directory) Cache = new ModuleCache(directory);
    }

    public WasmFeatures Features { get; }

    /// <summary>The options in effect: as given, except that <see cref="EngineOptions.BoundsChecks"/>
    /// falls back to explicit checks where guard pages are unavailable.</summary>
    public EngineOptions Options { get; }

    /// <summary>How this engine's code keeps accesses inside linear memory.</summary>
    public BoundsChecks BoundsChecks => Options.BoundsChecks;

    /// <summary>Why guard pages were asked for and not used, or null.</summary>
    public string? GuardPagesUnavailableReason { get; }

    /// <summary>The cache modules are compiled through, or null when caching is off (or on with no
    /// directory to use: no home directory and no <see cref="EngineOptions.CacheDirectory"/>).</summary>
    public ModuleCache? Cache { get; }
}
