using System.Text;
using Tessera.Platform.Files;
using Tessera.Wasm;
using Tessera.Wasm.Runtime;
using Tessera.Wasm.Text;

namespace Tessera.Cli;

/// <summary>Reads a module from a file given on the command line, binary or text, told apart by
/// content (<see cref="ModuleFormat.Detect"/>).</summary>
/// <remarks>Only a regular file is read: the file is opened without blocking (a FIFO would otherwise
/// wait for a writer) and its type checked on the open descriptor, so a directory, FIFO or device
/// (<c>/dev/zero</c>) is refused before a byte is read, and the size checked is the size read.</remarks>
internal static class ModuleFile
{
    /// <summary>The features the command line accepts: WebAssembly 2.0.</summary>
    public const WasmFeatures Features = WasmFeatures.Wasm2;

    /// <summary>The largest module file read, binary or text: the engine's default module size
    /// (<see cref="EngineLimits.MaxModuleBytes"/>, the JS API's 1 GiB), checked before reading.</summary>
    public static readonly long MaxFileBytes = new EngineLimits().MaxModuleBytes;

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

    /// <exception cref="InputFileException">The file cannot be read, or holds no module.</exception>
    /// <exception cref="WasmException">The file is a text module that does not assemble.</exception>
    public static Loaded Load(string path)
    {
        using var stream = OpenRegularFile(path);
        switch (ModuleFormat.Detect(stream))
        {
            case ModuleFormatKind.Empty:
                throw new InputFileException(path, "empty file: a module is at least the 8 bytes of the binary header, or text");
            case ModuleFormatKind.Neither:
                throw new InputFileException(path, "not a WebAssembly module: neither the binary magic \\0asm nor text (which starts with '(' after white space and comments)");
            case ModuleFormatKind.Binary:
                return new Loaded(path, ReadAll(stream), null);
            default:
                var wasm = WatAssembler.AssembleTextWithMap(ReadText(stream, path), out var map, path);
                return new Loaded(path, wasm, map);
        }
    }

    /// <summary>A text file (a script), read whole after the checks of <see cref="OpenRegularFile"/>.</summary>
    public static string ReadText(string path)
    {
        using var stream = OpenRegularFile(path);
        return ReadText(stream, path);
    }

    /// <summary>The whole file as text, its size checked against the text limit before reading.</summary>
    private static string ReadText(FileStream stream, string path)
    {
        // A byte order mark may come on top of the limit's characters.
        if (stream.Length > TextLimits.MaxTextLength + 3) throw TextLimits.TooLarge(stream.Length, path);
        return ModuleFormat.DecodeText(ReadAll(stream), path);
    }

    /// <summary>Opens <paramref name="path"/> for reading if it is a regular file no larger than
    /// <see cref="MaxFileBytes"/> (<see cref="RegularFile"/>).</summary>
    public static FileStream OpenRegularFile(string path) =>
        RegularFile.TryOpen(path, MaxFileBytes, out var problem) ?? throw new InputFileException(path, problem!);

    /// <summary>The whole file from its start; its size was checked when it was opened.</summary>
    private static byte[] ReadAll(FileStream stream)
    {
        stream.Position = 0;
        // A file that grew since its size was checked is read only up to the limit.
        var bytes = new byte[Math.Min(stream.Length, MaxFileBytes)];
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        return read == bytes.Length ? bytes : bytes[..read];
    }
}
