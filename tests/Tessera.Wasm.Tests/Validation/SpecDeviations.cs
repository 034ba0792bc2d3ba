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
        ["select.wast:324"] = "wabt encodes (select (result)) as the untyped select 0x1B, not 0x1C 0x00; covered by InstructionRuleTests.TypedSelectNeedsExactlyOneType",
        ["memory_init.wast:190"] = "wabt omits the data count section when there are no data segments; the reference encoder emits it, so the spec expects 'unknown data segment'",
        ["memory_init.wast:227"] = "wabt omits the data count section when there are no data segments (as memory_init.wast:190)",
        ["proposals/memory64/binary.wast:71"] = "the memory64 scripts predate reference types: call_indirect's table index there is a reserved zero byte",
    };

    /// <summary>Scripts that wabt 1.0.32's wast2json cannot parse, by path relative to the suite's version directory.</summary>
    public static readonly IReadOnlyDictionary<string, string> UnparsableScripts = new Dictionary<string, string>
    {
        ["proposals/relaxed-simd/relaxed_dot_product.wast"] = "uses f32x4.relaxed_dot_bf16x8_add_f32x4, which the proposal later dropped and wabt does not know",
    };
}
