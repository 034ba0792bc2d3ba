using Tessera.Wasm;

namespace Tessera.Wasi;

/// <summary>
/// A module cannot run as a WASI command (<see cref="WasiCommand"/>): an import that WASI preview 1
/// does not provide, or provides with another type, or an entry point that is missing or of the
/// wrong type. Thrown before anything is instantiated. A <see cref="WasmException"/> of the
/// linking phase: <see cref="Rule"/> says which check failed, <see cref="Item"/> names the import
/// or export.
/// </summary>
public sealed class WasiCommandException : WasmException
{
    /// <summary>An import that no provider defines.</summary>
    public const string UnknownImport = "unknown import";

    /// <summary>An import WASI defines with another type, or as a function where the module
    /// imports something else.</summary>
    public const string IncompatibleImportType = "incompatible import type";

    /// <summary>No export of that name (for <c>_start</c>, no function of that name).</summary>
    public const string UnknownExport = "unknown export";

    /// <summary>The export is not a function, or <c>_start</c> is not of type [] -&gt; [].</summary>
    public const string IncompatibleExportType = "incompatible export type";

    public WasiCommandException(string rule, string item, string message) : base(message)
    {
        Rule = rule;
        Item = item;
    }

    public override string Rule { get; }

    /// <summary>The import, as <c>"module" "name"</c>, or the export's name.</summary>
    public string Item { get; }
}
