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
    /// (the engine's <c>EngineLimits.MaxNestingDepth</c>, 10,000 blocks): a module at that depth,
    /// written in folded form, needs one list per block plus the module, the function and the
    /// operands nested inside the innermost block, so every module the default engine accepts can
    /// be written folded with operands nested up to about 90,000 deep.
    /// </summary>
    public const int MaxNestingDepth = 100_000;

    /// <summary>The rule of the error for text nested deeper than <see cref="MaxNestingDepth"/>.</summary>
    public const string NestingRule = "nesting too deep";

    /// <summary>
    /// Characters of one text (a module or a script): 64 Mi, and a text file may have as many
    /// bytes. The reader holds the whole text as a tree of lists and atoms, up to about 40 bytes
    /// per character (each <c>()</c> is a list object and its item list), so this keeps the worst
    /// case to a few GiB where the 1 GiB module size would allow tens; the largest script of the
    /// spec suite is 1.4 MB, and real modules are binary.
    /// </summary>
    public const int MaxTextLength = 64 << 20;

    /// <summary>The rule of the error for text longer than <see cref="MaxTextLength"/>.</summary>
    public const string SizeRule = "text too large";

    /// <summary>The error for a text, or a text file, of <paramref name="length"/> characters or bytes.</summary>
    public static WatSyntaxException TooLarge(long length, string? source) =>
        new(SizeRule, new TextPosition(1, 1, 0), $"{length:N0} characters or bytes, more than {MaxTextLength:N0}; TextLimits.MaxTextLength", source);
}
