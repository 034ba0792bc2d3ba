using Tessera.Wasm;
using Tessera.Wasm.Text;

namespace Tessera.Cli;

/// <summary>Reads a module from a file given on the command line, binary or text, told apart by content.</summary>
internal static class ModuleFile
{
    /// <summary>The features the command line accepts: WebAssembly 2.0.</summary>
    public const WasmFeatures Features = WasmFeatures.Wasm2;

    /// <summary>A module's bytes, and for a text module the map back to its lines.</summary>
    public sealed record Loaded(string Path, byte[] Bytes, SourceMap? Map)
    {
        public string Name => System.IO.Path.GetFileName(Path);

        /// <summary>An error as a user wants to read it: for a text module, with the line and column
        /// of the instruction the binary offset belongs to.</summary>
        public string Describe(WasmException error) => error switch
        {
            WatSyntaxException => error.Message, // already names file:line:column
            WasmValidationException v when Map is not null && Map.TryFind(v.Offset, out var at) => $"{Path}:{at}: {error.Message}",
            _ => $"{Path}: {error.Message}",
        };
    }

    public static Loaded Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (IsBinary(bytes)) return new Loaded(path, bytes, null);
        var wasm = WatAssembler.AssembleText(System.Text.Encoding.UTF8.GetString(bytes), out var map, path);
        return new Loaded(path, wasm, map);
    }

    /// <summary>A binary module starts with "\0asm"; anything else is taken as text.</summary>
    public static bool IsBinary(ReadOnlySpan<byte> bytes) => bytes.StartsWith("\0asm"u8);
}
