namespace Tessera.Wasm.Text;

/// <summary>A position in a source text: 1-based line and column, and the 0-based character offset.</summary>
public readonly record struct TextPosition(int Line, int Column, int Offset)
{
    public override string ToString() => $"{Line}:{Column}";
}
