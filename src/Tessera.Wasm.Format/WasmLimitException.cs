namespace Tessera.Wasm;

/// <summary>
/// A module is well formed and may be valid, but exceeds one of the engine's configured limits
/// (the engine's <c>EngineLimits</c>): it is too large, declares too many functions or locals,
/// or nests or sizes a body beyond what the engine agrees to compile. Raised before the costly
/// work the limit guards, so a hostile module costs little.
/// </summary>
public sealed class WasmLimitException : WasmException
{
    public WasmLimitException(string limit, long value, long maximum, string where)
        : base($"module exceeds the engine's limit on {limit}: {value} > {maximum} ({where})")
    {
        Limit = limit;
        Value = value;
        Maximum = maximum;
    }

    public override string Rule => "implementation limit: " + Limit;

    /// <summary>What was limited, e.g. "locals per function".</summary>
    public string Limit { get; }

    /// <summary>What the module asked for.</summary>
    public long Value { get; }

    /// <summary>The configured maximum.</summary>
    public long Maximum { get; }
}
