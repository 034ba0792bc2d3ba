using Tessera.Wasm.Text;

namespace Tessera.Cli;

/// <summary>Assembles text modules for the commands that accept .wat files.</summary>
internal static class TextModules
{
    public static byte[] Assemble(string text, string source) => WatAssembler.AssembleText(text, source);
}
