namespace Tessera.Wasm.Tests.Validation;

/// <summary>
/// Every spec-suite module that the decode-and-validate tests know to deviate, with the reason.
/// A listed module that starts behaving as the script expects fails the test, so this list
/// cannot go stale.
/// </summary>
internal static class SpecDeviations
{
    /// <summary>Reasons by "script:line" (the script relative to the suite's version directory).</summary>
    public static readonly IReadOnlyDictionary<string, string> ByCase = new Dictionary<string, string>
    {
        // wabt encodes differently from the reference interpreter, so the binary is not the module the script means.
        ["select.wast:324"] = "wabt encodes (select (result)) as the untyped select 0x1B, not 0x1C 0x00; covered by ValidatorInstructionTests.TypedSelectNeedsExactlyOneType",
        ["memory_init.wast:190"] = "wabt omits the data count section when there are no data segments; the reference encoder emits it, so the spec expects 'unknown data segment'",
        ["memory_init.wast:227"] = "wabt omits the data count section when there are no data segments (as memory_init.wast:190)",
        ["proposals/memory64/binary.wast:71"] = "the memory64 scripts predate reference types: call_indirect's table index there is a reserved zero byte",

        // The decoder (Binary/ModuleDecoder.cs) reads these differently from the spec.
        ["binary.wast:48"] = "decoder: section id 13 (tag) without the exceptions feature should be 'malformed section id', not an unsupported feature",
        ["binary.wast:1527"] = "decoder: the limits flag is one byte; 0x81 0x00 should be 'integer representation too long'",
        ["binary.wast:1563"] = "decoder: limits flag 0x02 (shared) without threads should be 'integer too large'",
        ["binary.wast:1572"] = "decoder: the limits flag is one byte (as binary.wast:1527)",
        ["proposals/multi-memory/binary.wast:48"] = "decoder: as binary.wast:48",
        ["proposals/multi-memory/binary.wast:1336"] = "decoder: as binary.wast:1527",
        ["proposals/multi-memory/binary.wast:1372"] = "decoder: as binary.wast:1563",
        ["proposals/multi-memory/binary.wast:1381"] = "decoder: as binary.wast:1527",
        ["proposals/memory64/binary.wast:700"] = "decoder: limits flag 0x08 should be 'malformed limits flags'",
    };

    /// <summary>Scripts that wabt 1.0.32's wast2json cannot parse, by path relative to the suite's version directory.</summary>
    public static readonly IReadOnlyDictionary<string, string> UnparsableScripts = new Dictionary<string, string>
    {
        ["proposals/relaxed-simd/relaxed_dot_product.wast"] = "uses f32x4.relaxed_dot_bf16x8_add_f32x4, which the proposal later dropped and wabt does not know",
    };
}
