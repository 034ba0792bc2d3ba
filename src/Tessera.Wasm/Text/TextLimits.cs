namespace Tessera.Wasm.Text;

/// <summary>
/// The limits of the text reader, which sees text that may come from an attacker (a module file,
/// a script's quoted module). Past a limit the text is malformed: a <see cref="WatSyntaxException"/>
/// at the position where the limit was crossed, naming the limit.
/// </summary>
public static class TextLimits
{
    /// <summary>
    /// Lists open at once: <c>(</c> nested in <c>(</c>, in a module or a script. The assembler reads
    /// nesting with heap stacks, not recursion, so this bounds memory per character of input and the
    /// work of error messages, not the host stack. Ten times the validator's nesting depth
    /// (<see cref="Runtime.EngineLimits.MaxNestingDepth"/>, 10,000 blocks): a module at that depth,
    /// written in folded form, needs one list per block plus the module, the function and the
    /// operands nested inside the innermost block, so every module the default engine accepts can
    /// be written folded with operands nested up to about 90,000 deep.
    /// </summary>
    public const int MaxNestingDepth = 100_000;

    /// <summary>The rule of the error for text nested deeper than <see cref="MaxNestingDepth"/>.</summary>
    public const string NestingRule = "nesting too deep";
}
