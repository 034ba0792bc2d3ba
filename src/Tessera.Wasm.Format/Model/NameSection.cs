namespace Tessera.Wasm.Model;

/// <summary>
/// The decoded <c>name</c> custom section (spec appendix 7.4.1). Only debug information: a
/// malformed name section is ignored rather than rejecting the module, as the spec allows.
/// </summary>
public sealed class NameSection
{
    public string? ModuleName { get; set; }
    public Dictionary<uint, string> FunctionNames { get; } = new();
    public Dictionary<uint, Dictionary<uint, string>> LocalNames { get; } = new();
}
