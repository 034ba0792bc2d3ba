using Tessera.Wasm;

namespace Tessera.Cli;

/// <summary>Reads a module from a file given on the command line, binary or text, told apart by content.</summary>
internal static class ModuleFile
{
    /// <summary>The features the command line accepts: WebAssembly 2.0.</summary>
    public const WasmFeatures Features = WasmFeatures.Wasm2;

    public sealed record Loaded(string Name, byte[] Bytes);

    public static Loaded Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return new Loaded(Path.GetFileName(path), IsBinary(bytes) ? bytes : Assemble(bytes, path));
    }

    /// <summary>A binary module starts with "\0asm"; anything else is taken as text.</summary>
    public static bool IsBinary(ReadOnlySpan<byte> bytes) => bytes.StartsWith("\0asm"u8);

    private static byte[] Assemble(byte[] bytes, string path) => TextModules.Assemble(System.Text.Encoding.UTF8.GetString(bytes), path);
}
