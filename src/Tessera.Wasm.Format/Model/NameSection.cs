namespace Tessera.Wasm.Model;

/// <summary>
/// The decoded <c>name</c> custom section (spec appendix 7.4.1). Only debug information: a
/// malformed name section is ignored rather than rejecting the module, as the spec allows.
/// </summary>
public sealed class NameSection
{
    internal NameSection(string? moduleName, IReadOnlyDictionary<FuncIndex, string> functionNames, IReadOnlyDictionary<FuncIndex, IReadOnlyDictionary<LocalIndex, string>> localNames)
    {
        ModuleName = moduleName;
        FunctionNames = functionNames;
        LocalNames = localNames;
    }

    /// <summary>The module's name (subsection 0), if it has one.</summary>
    public string? ModuleName { get; }
    /// <summary>Function names (subsection 1), by function index (imports first).</summary>
    public IReadOnlyDictionary<FuncIndex, string> FunctionNames { get; }
    /// <summary>Local names (subsection 2), by function index and then local index (parameters first).</summary>
    public IReadOnlyDictionary<FuncIndex, IReadOnlyDictionary<LocalIndex, string>> LocalNames { get; }
}
