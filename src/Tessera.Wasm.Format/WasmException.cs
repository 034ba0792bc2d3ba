namespace Tessera.Wasm;

/// <summary>
/// Base of the engine's typed errors, one subclass per phase: <see cref="WasmFormatException"/>
/// (malformed binary), <see cref="Text.WatSyntaxException"/> (malformed text),
/// <see cref="WasmValidationException"/> (invalid module). A caller that accepts modules from
/// untrusted sources catches this one type.
/// </summary>
public abstract class WasmException : Exception
{
    protected WasmException(string message) : base(message) { }

    protected WasmException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>The rule that was broken, in the specification's wording where it has one
    /// (the spec test suite's expected message, e.g. "unexpected end" or "type mismatch").</summary>
    public abstract string Rule { get; }
}

/// <summary>A module binary is malformed: it does not decode.</summary>
public sealed class WasmFormatException : WasmException
{
    public WasmFormatException(string rule, int offset, string? detail = null)
        : base(detail is null ? $"malformed module at byte 0x{offset:x}: {rule}" : $"malformed module at byte 0x{offset:x}: {rule} ({detail})")
    {
        Rule = rule;
        Offset = offset;
    }

    public override string Rule { get; }
    /// <summary>Byte offset in the module binary where decoding failed.</summary>
    public int Offset { get; }
}

/// <summary>A module decodes but breaks a validation rule.</summary>
public sealed class WasmValidationException : WasmException
{
    public WasmValidationException(string rule, int offset, Model.FuncIndex? functionIndex = null, string? detail = null)
        : base(Describe(rule, offset, functionIndex, detail))
    {
        Rule = rule;
        Offset = offset;
        FunctionIndex = functionIndex;
    }

    public override string Rule { get; }
    /// <summary>Byte offset in the module binary of the offending instruction or section entry.</summary>
    public int Offset { get; }
    /// <summary>The function (in the function index space) whose body is invalid, if any.</summary>
    public Model.FuncIndex? FunctionIndex { get; }

    private static string Describe(string rule, int offset, Model.FuncIndex? func, string? detail)
    {
        var where = func is { } f ? $"in function {f} at byte 0x{offset:x}" : $"at byte 0x{offset:x}";
        return detail is null ? $"invalid module {where}: {rule}" : $"invalid module {where}: {rule} ({detail})";
    }
}
