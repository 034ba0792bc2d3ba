namespace Tessera.Wasm.Text;

/// <summary>
/// Which edition of the text format to follow where WebAssembly 2.0 and 3.0 disagree about what is
/// malformed. 3.0 reads table and memory limits and memory offsets as 64-bit numbers for every
/// address type (a 32-bit table or memory with larger values is then invalid, not malformed), and
/// reports a lane index above 255 as "i8 constant out of range" instead of "malformed lane index".
/// </summary>
public enum WatVersion : byte
{
    /// <summary>WebAssembly 2.0: 32-bit limits and offsets are malformed when out of range.</summary>
    Wasm2 = 2,
    /// <summary>WebAssembly 3.0: limits and offsets are 64-bit numbers; their range is validation's business.</summary>
    Wasm3 = 3,
}

/// <summary>
/// Assembles the WebAssembly text format into a module binary: the whole 2.0 text format, plus the
/// 3.0 features that need no new model (tail calls, multiple memories, 64-bit memories and tables,
/// typed function references, exception handling with <c>try_table</c>, extended constant
/// expressions, relaxed SIMD). Function, local and module ids become a <c>name</c> section.
/// </summary>
/// <remarks>
/// Malformed text throws <see cref="WatSyntaxException"/> whose <see cref="WasmException.Rule"/> is
/// the message the specification's test suite expects (for example "unknown operator",
/// "inline function type", "mismatching label"). Text using a feature the assembler does not encode
/// (GC types and instructions, threads' atomics, legacy exceptions, custom page sizes) throws
/// <see cref="WasmUnsupportedFeatureException"/>, so a script runner can count such modules as
/// skipped. The binary is not validated: an out-of-range numeric index or a type error is left for
/// the validator.
/// </remarks>
/// <example>
/// <code>
/// byte[] wasm = WatAssembler.AssembleText("(func (export \"one\") (result i32) (i32.const 1))");
/// </code>
/// </example>
public static class WatAssembler
{
    /// <summary>Assembles a <c>(module $id? field*)</c> S-expression.</summary>
    /// <param name="module">The module list, as read by <see cref="SExpr.ParseAll"/> or found in a script.</param>
    /// <param name="source">A file name or label for error messages.</param>
    /// <param name="version">Whose rules decide what is malformed where 2.0 and 3.0 differ.</param>
    /// <returns>The module binary.</returns>
    /// <exception cref="WatSyntaxException">The text is malformed.</exception>
    /// <exception cref="WasmUnsupportedFeatureException">The text uses a feature the assembler does not encode.</exception>
    internal static byte[] Assemble(SList module, string? source = null, WatVersion version = WatVersion.Wasm2) =>
        ModuleEncoder.Encode(ModuleParser.Parse(module, source, version));

    /// <summary>Assembles text holding either one <c>(module ...)</c> or the bare fields of a module.</summary>
    /// <param name="text">The source text.</param>
    /// <param name="source">A file name or label for error messages.</param>
    /// <param name="version">Whose rules decide what is malformed where 2.0 and 3.0 differ.</param>
    /// <returns>The module binary.</returns>
    /// <exception cref="WatSyntaxException">The text is malformed.</exception>
    /// <exception cref="WasmUnsupportedFeatureException">The text uses a feature the assembler does not encode.</exception>
    public static byte[] AssembleText(string text, string? source = null, WatVersion version = WatVersion.Wasm2) =>
        AssembleTextWithMap(text, out _, source, version);

    /// <summary>Assembles text as <see cref="AssembleText(string, string?, WatVersion)"/> does, and maps
    /// every instruction's offset in the binary back to its line and column.</summary>
    /// <param name="text">The source text.</param>
    /// <param name="map">Where each instruction of the result came from.</param>
    /// <param name="source">A file name or label for error messages.</param>
    /// <param name="version">Whose rules decide what is malformed where 2.0 and 3.0 differ.</param>
    /// <returns>The module binary.</returns>
    public static byte[] AssembleTextWithMap(string text, out SourceMap map, string? source = null, WatVersion version = WatVersion.Wasm2)
    {
        // A stray ')' is reported only after the complete fields before it assembled without error,
        // so the first error in the text is the one reported.
        var items = SExpr.ParsePrefix(text, source, out var strayParen);
        var binary = AssembleItems(items, source, version, out map);
        return strayParen is null ? binary : throw strayParen;
    }

    private static byte[] AssembleItems(IReadOnlyList<SExpr> items, string? source, WatVersion version, out SourceMap map)
    {
        if (items.Count > 0 && items[0] is SList { Head: "module" } module)
        {
            if (items.Count > 1) throw SCursor.Unexpected(items[1], source);
            return ModuleEncoder.Encode(ModuleParser.Parse(module, source, version), out map);
        }
        var fields = new List<SList>(items.Count);
        foreach (var item in items) fields.Add(item as SList ?? throw SCursor.Unexpected(item, source));
        return ModuleEncoder.Encode(ModuleParser.ParseFields(fields, source, version), out map);
    }
}
