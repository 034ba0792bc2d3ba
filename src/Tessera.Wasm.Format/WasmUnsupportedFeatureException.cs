namespace Tessera.Wasm;

/// <summary>
/// A module uses a WebAssembly feature this engine does not implement (yet) or that is disabled
/// in the configuration. Distinct from malformed and invalid: the module may be perfectly good.
/// </summary>
public sealed class WasmUnsupportedFeatureException : WasmException
{
    public WasmUnsupportedFeatureException(string feature, string where)
        : base($"unsupported feature: {feature} ({where})")
    {
        Feature = feature;
    }

    /// <summary>The feature, e.g. "gc" or "threads".</summary>
    public string Feature { get; }

    public override string Rule => "unsupported feature: " + Feature;
}
