using Tessera.Platform.Files;
using Tessera.Platform.Memory;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Compilation;
using Tessera.Wasm.Model;
using Tessera.Wasm.Text;
using Tessera.Wasm.Validation;

namespace Tessera.Wasm.Runtime;

/// <summary>A decoded, validated and compiled module: code that any number of instances share.</summary>
public sealed class Module
{
    private readonly Lazy<MemoryImage?> _dataImage;

    private Module(Engine engine, CompiledModule compiled)
    {
        Engine = engine;
        Compiled = compiled;
        _dataImage = new(() => engine.Options.CopyOnWriteImages ? Runtime.DataImage.TryCreate(compiled.Definition) : null);
        var exports = new Dictionary<string, Export>(compiled.Definition.Exports.Count, StringComparer.Ordinal);
        foreach (var export in compiled.Definition.Exports) exports[export.Name] = export;
        ExportsByName = exports;
    }

    /// <summary>The exports by name, shared by every instance (an instance resolves an export
    /// when asked, so instantiating builds no table of its own).</summary>
    internal IReadOnlyDictionary<string, Export> ExportsByName { get; }

    public Engine Engine { get; }
    public ModuleDefinition Definition => Compiled.Definition;
    internal CompiledModule Compiled { get; }

    /// <summary>The copy-on-write image of memory 0's data, built at the first instantiation; null
    /// when the data is copied instead (<see cref="Runtime.DataImage"/> says when).</summary>
    internal MemoryImage? DataImage => _dataImage.Value;

    /// <summary>Decodes, validates and compiles a binary module, within the engine's
    /// <see cref="EngineOptions.Limits"/>; with a cache (<see cref="Engine.Cache"/>),
    /// loads its code from there if it was compiled before.</summary>
    /// <exception cref="WasmFormatException">The bytes do not decode.</exception>
    /// <exception cref="WasmValidationException">The module is not valid.</exception>
    /// <exception cref="WasmLimitException">The module is larger than a limit of the engine.</exception>
    public static Module FromBytes(Engine engine, ReadOnlyMemory<byte> bytes) => FromDefinition(engine, Decode(engine, bytes));

    /// <summary>Validates and compiles a module already decoded (<see cref="ModuleDecoder.Decode"/>
    /// with the engine's <see cref="Engine.Features"/>), so a tool that shows a module before
    /// running it decodes it once. Its <see cref="ModuleDefinition.Bytes"/> key the cache.</summary>
    /// <exception cref="WasmValidationException">The module is not valid.</exception>
    /// <exception cref="WasmLimitException">The module is larger than a limit of the engine.</exception>
    public static Module FromDefinition(Engine engine, ModuleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(definition);
        CheckValid(engine, definition);
        var bytes = definition.Bytes;
        // The cache holds plain code only: resumable or interruptible code is compiled each time.
        var compiled = ModuleCompiler.NeedsOptions(definition, engine.Options) ? ModuleCompiler.CompileWith(definition, engine.Options)
            : engine.Cache is { } cache && bytes.Length >= engine.Options.CacheMinimumBytes ? cache.GetOrCompile(definition, bytes.Span, engine.Features, engine.Options.CollectibleCode, engine.BoundsChecks)
            : ModuleCompiler.CompileWith(definition, engine.Options);
        return new Module(engine, compiled);
    }

    /// <summary>Decodes and validates a binary module as <see cref="FromBytes"/> would, without
    /// compiling it (Wasmtime's <c>Module::validate</c>): returns its definition, or throws what
    /// <see cref="FromBytes"/> would.</summary>
    /// <exception cref="WasmFormatException">The bytes do not decode.</exception>
    /// <exception cref="WasmValidationException">The module is not valid.</exception>
    /// <exception cref="WasmLimitException">The module is larger than a limit of the engine.</exception>
    public static ModuleDefinition Validate(Engine engine, ReadOnlyMemory<byte> bytes)
    {
        var definition = Decode(engine, bytes);
        CheckValid(engine, definition);
        return definition;
    }

    private static ModuleDefinition Decode(Engine engine, ReadOnlyMemory<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(engine);
        engine.Options.Limits.CheckSize(bytes.Length);
        return ModuleDecoder.Decode(bytes, engine.Features);
    }

    private static void CheckValid(Engine engine, ModuleDefinition definition)
    {
        var limits = engine.Options.Limits;
        limits.CheckSize(definition.Bytes.Length);
        limits.CheckDeclarations(definition);
        ModuleValidator.Validate(definition, engine.Features, new ValidationLimits(limits.MaxNestingDepth, limits.MaxOperandStackHeight));
    }

    /// <summary>Assembles a module in the text format, then as <see cref="FromBytes"/>.</summary>
    public static Module FromText(Engine engine, string text) => FromBytes(engine, WatAssembler.AssembleText(text));

    /// <summary>Reads a binary or text module from a file, told apart by content (<see cref="ModuleFormat"/>).
    /// Only a regular file is read (<see cref="RegularFile"/>): a directory, FIFO or device is
    /// refused before a byte is read, so nothing waits for a writer or reads for ever.</summary>
    /// <exception cref="IOException">The file cannot be opened or is not a regular file; the message
    /// names the file and the problem.</exception>
    /// <exception cref="WasmLimitException">The file is larger than the engine's module size limit.</exception>
    /// <exception cref="WasmFormatException">The file is empty, or neither a binary nor a text module.</exception>
    /// <exception cref="WatSyntaxException">A text file is longer than <see cref="TextLimits.MaxTextLength"/>, or does not assemble.</exception>
    public static Module FromFile(Engine engine, string path)
    {
        long max = engine.Options.Limits.MaxModuleBytes;
        using var stream = RegularFile.TryOpen(path, long.MaxValue, out var problem) ?? throw new IOException($"{path}: {problem}");
        if (stream.Length > max) throw new WasmLimitException("module size in bytes", stream.Length, max, path);
        // Told apart by content, not by the file's name: "\0asm" starts every binary, '(' every text.
        var kind = ModuleFormat.Detect(stream);
        if (kind is ModuleFormatKind.Empty) throw new WasmFormatException("unexpected end", 0, "empty file");
        if (kind is ModuleFormatKind.Neither) throw new WasmFormatException("magic header not detected", 0, "not a WebAssembly module: neither the binary magic \\0asm nor text");
        // A byte order mark may come on top of the text limit's characters.
        if (kind is ModuleFormatKind.Text && stream.Length > TextLimits.MaxTextLength + 3) throw TextLimits.TooLarge(stream.Length, path);
        stream.Position = 0;
        // A file that grew since its size was read is read only up to the limit.
        var bytes = new byte[Math.Min(stream.Length, max)];
        bytes = bytes[..stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false)];
        return kind is ModuleFormatKind.Binary ? FromBytes(engine, bytes) : FromText(engine, ModuleFormat.DecodeText(bytes, path));
    }
}
