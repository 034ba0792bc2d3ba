namespace Tessera.Wasm.Text;

/// <summary>A text module or script is malformed: it does not lex, parse or resolve.</summary>
public sealed class WatSyntaxException : WasmException
{
    public WatSyntaxException(string rule, TextPosition position, string? detail = null, string? source = null)
        : base($"{source ?? "text"}:{position}: {rule}{(detail is null ? "" : $" ({detail})")}")
    {
        Rule = rule;
        Position = position;
        Source = source;
    }

    public override string Rule { get; }
    /// <summary>Where in the text the error was found.</summary>
    public TextPosition Position { get; }
    /// <summary>The file name or other label of the text, when known.</summary>
    public new string? Source { get; }
}
