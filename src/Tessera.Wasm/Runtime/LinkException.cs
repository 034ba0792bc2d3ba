namespace Tessera.Wasm.Runtime;

/// <summary>An import cannot be satisfied: it is unknown, or its type does not match.</summary>
public sealed class WasmLinkException : WasmException
{
    public WasmLinkException(string rule, string import, string? detail = null)
        : base(detail is null ? $"{rule}: {import}" : $"{rule}: {import} ({detail})")
    {
        Rule = rule;
        Import = import;
    }

    public override string Rule { get; }

    /// <summary>The import, as <c>"module" "name"</c>.</summary>
    public string Import { get; }
}
