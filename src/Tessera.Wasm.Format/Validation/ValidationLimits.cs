namespace Tessera.Wasm.Validation;

/// <summary>
/// Bounds an embedder puts on what validation accepts, beyond the specification (which has none):
/// how deeply a body may nest blocks and how many operands it may stack. Past either, validation
/// throws <see cref="WasmLimitException"/>. The engine derives them from its own limits.
/// </summary>
public readonly record struct ValidationLimits(int MaxNestingDepth, int MaxOperandStackHeight)
{
    /// <summary>No bound beyond the validator's own (<c>FunctionValidator.MaxOperandStack</c>).</summary>
    public static ValidationLimits None => new(int.MaxValue, int.MaxValue);
}
