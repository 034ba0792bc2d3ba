using Tessera.Wasm.Text;

namespace Tessera.Wasm.Wast;

/// <summary>How one script command came out.</summary>
public enum WastVerdict : byte
{
    Passed,
    Failed,
    /// <summary>Not checked: it needs execution, or a feature this configuration does not support.</summary>
    Skipped,
}

/// <summary>The outcome of one command that was not a plain pass: why it failed or was skipped.</summary>
public sealed record WastOutcome(TextPosition Position, WastCommandKind Kind, WastVerdict Verdict, string Detail);
