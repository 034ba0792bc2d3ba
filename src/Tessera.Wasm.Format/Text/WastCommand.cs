namespace Tessera.Wasm.Text;

/// <summary>What a script command does; one value per command form of the script grammar.</summary>
public enum WastCommandKind : byte
{
    /// <summary><c>(module ...)</c>: define (and, unless it is a definition, instantiate) a module.</summary>
    Module,
    /// <summary><c>(module instance $i? $m?)</c>: instantiate a module defined earlier.</summary>
    ModuleInstance,
    /// <summary><c>(register "name" $m?)</c>: make a module instance's exports importable.</summary>
    Register,
    /// <summary>A bare <c>(invoke ...)</c> or <c>(get ...)</c>.</summary>
    Action,
    /// <summary><c>(assert_return action result*)</c>.</summary>
    AssertReturn,
    /// <summary><c>(assert_trap action "message")</c>.</summary>
    AssertTrap,
    /// <summary><c>(assert_exhaustion action "message")</c>: the action runs out of stack.</summary>
    AssertExhaustion,
    /// <summary><c>(assert_exception action)</c>: the action throws a WebAssembly exception.</summary>
    AssertException,
    /// <summary><c>(assert_malformed module "message")</c>: the module does not decode or parse.</summary>
    AssertMalformed,
    /// <summary><c>(assert_invalid module "message")</c>: the module does not validate.</summary>
    AssertInvalid,
    /// <summary><c>(assert_unlinkable module "message")</c>: the module's imports cannot be satisfied.</summary>
    AssertUnlinkable,
    /// <summary><c>(assert_uninstantiable module "message")</c>, and <c>(assert_trap module "message")</c>,
    /// which means the same: instantiation starts and traps.</summary>
    AssertUninstantiable,
    /// <summary><c>(assert_malformed_custom module "message")</c>: a custom-section annotation is malformed.</summary>
    AssertMalformedCustom,
    /// <summary><c>(assert_invalid_custom module "message")</c>: a custom-section annotation is invalid.</summary>
    AssertInvalidCustom,
    /// <summary>A command this reader keeps but does not model: the threads proposal's
    /// <c>thread</c>/<c>wait</c> and the meta commands <c>script</c>/<c>input</c>/<c>output</c>.</summary>
    Unsupported,
}

/// <summary>One command of a WebAssembly script (.wast).</summary>
public abstract class WastCommand
{
    private protected WastCommand(TextPosition position) => Position = position;

    /// <summary>Where the command's opening parenthesis is.</summary>
    public TextPosition Position { get; }

    /// <summary>The command form.</summary>
    public abstract WastCommandKind Kind { get; }
}

/// <summary>How a script module is written.</summary>
public enum WastModuleForm : byte
{
    /// <summary><c>(module $id? field*)</c>: the text format.</summary>
    Text,
    /// <summary><c>(module $id? binary "..."*)</c>: the binary format, possibly malformed.</summary>
    Binary,
    /// <summary><c>(module $id? quote "..."*)</c>: text in strings, possibly malformed.</summary>
    Quote,
}

/// <summary>A module in a script, in one of the three forms.</summary>
public sealed class WastModule
{
    internal WastModule(TextPosition position, string? id, bool isDefinition, WastModuleForm form, SList? text, byte[]? bytes, string? source)
    {
        Position = position;
        Id = id;
        IsDefinition = isDefinition;
        Form = form;
        Text = text;
        Bytes = bytes;
        Source = source;
    }

    /// <summary>Where <c>(module</c> is written.</summary>
    public TextPosition Position { get; }

    /// <summary>The module's name without <c>$</c>, if it has one.</summary>
    public string? Id { get; }

    /// <summary>True for <c>(module definition ...)</c>: defined but not instantiated.</summary>
    public bool IsDefinition { get; }

    /// <summary>Text, binary or quoted.</summary>
    public WastModuleForm Form { get; }

    /// <summary>For <see cref="WastModuleForm.Text"/>, the module as <c>(module $id? field*)</c>
    /// (the script-only word <c>definition</c> removed), ready for <see cref="WatAssembler.Assemble(SList, string?, WatVersion)"/>.</summary>
    internal SList? Text { get; }

    /// <summary>For <see cref="WastModuleForm.Binary"/>, the concatenated strings (the module binary);
    /// for <see cref="WastModuleForm.Quote"/>, the concatenated strings (UTF-8 text, unchecked).</summary>
    public byte[]? Bytes { get; }

    /// <summary>The script's file name, for error messages.</summary>
    public string? Source { get; }

    /// <summary>For <see cref="WastModuleForm.Quote"/>, the quoted text.</summary>
    /// <exception cref="WatSyntaxException">The bytes are not valid UTF-8 ("malformed UTF-8 encoding").</exception>
    public string QuoteText()
    {
        if (Form != WastModuleForm.Quote) throw new InvalidOperationException("not a quoted module");
        try
        {
            return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Bytes!);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new WatSyntaxException("malformed UTF-8 encoding", Position, "in quoted module text", Source);
        }
    }

    /// <summary>The module binary: assembled from text, taken as is, or assembled from the quoted text.</summary>
    /// <exception cref="WatSyntaxException">The text or quoted text is malformed.</exception>
    /// <exception cref="WasmUnsupportedFeatureException">The text uses a feature the assembler does not encode.</exception>
    /// <param name="version">The text format edition of the script (see <see cref="WatVersion"/>).</param>
    public byte[] ToBinary(WatVersion version = WatVersion.Wasm2) => Form switch
    {
        WastModuleForm.Text => WatAssembler.Assemble(Text!, Source, version),
        WastModuleForm.Binary => Bytes!,
        _ => WatAssembler.AssembleText(QuoteText(), Source is null ? null : $"{Source}:{Position} (quoted)", version),
    };
}

/// <summary>An <c>invoke</c> or <c>get</c> action.</summary>
public sealed class WastAction
{
    internal WastAction(TextPosition position, bool isInvoke, string? moduleId, string name, IReadOnlyList<WastValue> arguments)
    {
        Position = position;
        IsInvoke = isInvoke;
        ModuleId = moduleId;
        Name = name;
        Arguments = arguments;
    }

    /// <summary>Where the action's opening parenthesis is.</summary>
    public TextPosition Position { get; }

    /// <summary>True for <c>(invoke ...)</c>, false for <c>(get ...)</c>.</summary>
    public bool IsInvoke { get; }

    /// <summary>The named module instance, or null for the most recent one.</summary>
    public string? ModuleId { get; }

    /// <summary>The export name.</summary>
    public string Name { get; }

    /// <summary>The arguments of an invoke (exact values only); empty for get.</summary>
    public IReadOnlyList<WastValue> Arguments { get; }

    /// <inheritdoc/>
    public override string ToString() => $"({(IsInvoke ? "invoke" : "get")}{(ModuleId is null ? "" : " $" + ModuleId)} \"{Name}\"{string.Concat(Arguments.Select(a => " " + a))})";
}

/// <summary><c>(module ...)</c>.</summary>
public sealed class WastModuleCommand : WastCommand
{
    internal WastModuleCommand(TextPosition position, WastModule module) : base(position) => Module = module;

    /// <summary>The module to define.</summary>
    public WastModule Module { get; }

    /// <inheritdoc/>
    public override WastCommandKind Kind => WastCommandKind.Module;
}

/// <summary><c>(module instance $i? $m?)</c>.</summary>
public sealed class WastModuleInstanceCommand : WastCommand
{
    internal WastModuleInstanceCommand(TextPosition position, string? instanceId, string? definitionId) : base(position)
    {
        InstanceId = instanceId;
        DefinitionId = definitionId;
    }

    /// <summary>The name of the new instance, if given.</summary>
    public string? InstanceId { get; }

    /// <summary>The module definition to instantiate, or null for the most recent one.</summary>
    public string? DefinitionId { get; }

    /// <inheritdoc/>
    public override WastCommandKind Kind => WastCommandKind.ModuleInstance;
}

/// <summary><c>(register "name" $m?)</c>.</summary>
public sealed class WastRegisterCommand : WastCommand
{
    internal WastRegisterCommand(TextPosition position, string name, string? moduleId) : base(position)
    {
        Name = name;
        ModuleId = moduleId;
    }

    /// <summary>The module name under which the exports become importable.</summary>
    public string Name { get; }

    /// <summary>The instance to register, or null for the most recent one.</summary>
    public string? ModuleId { get; }

    /// <inheritdoc/>
    public override WastCommandKind Kind => WastCommandKind.Register;
}

/// <summary>A bare action, performed for its effect.</summary>
public sealed class WastActionCommand : WastCommand
{
    internal WastActionCommand(TextPosition position, WastAction action) : base(position) => Action = action;

    /// <summary>The action to perform.</summary>
    public WastAction Action { get; }

    /// <inheritdoc/>
    public override WastCommandKind Kind => WastCommandKind.Action;
}

/// <summary><c>(assert_return action result*)</c>.</summary>
public sealed class WastAssertReturnCommand : WastCommand
{
    internal WastAssertReturnCommand(TextPosition position, WastAction action, IReadOnlyList<WastValue> expected) : base(position)
    {
        Action = action;
        Expected = expected;
    }

    /// <summary>The action whose results are checked.</summary>
    public WastAction Action { get; }

    /// <summary>One pattern per result value.</summary>
    public IReadOnlyList<WastValue> Expected { get; }

    /// <inheritdoc/>
    public override WastCommandKind Kind => WastCommandKind.AssertReturn;
}

/// <summary><c>assert_trap</c> (with an action), <c>assert_exhaustion</c> and <c>assert_exception</c>:
/// the action must fail in the stated way.</summary>
public sealed class WastAssertActionCommand : WastCommand
{
    internal WastAssertActionCommand(TextPosition position, WastCommandKind kind, WastAction action, string? message) : base(position)
    {
        Kind = kind;
        Action = action;
        Message = message;
    }

    /// <inheritdoc/>
    public override WastCommandKind Kind { get; }

    /// <summary>The action that must fail.</summary>
    public WastAction Action { get; }

    /// <summary>The expected failure message; null for <c>assert_exception</c>.</summary>
    public string? Message { get; }
}

/// <summary><c>assert_malformed</c>, <c>assert_invalid</c>, <c>assert_unlinkable</c>,
/// <c>assert_uninstantiable</c> (and <c>assert_trap</c> with a module), and the <c>_custom</c>
/// variants: the module must fail at the stated stage.</summary>
public sealed class WastAssertModuleCommand : WastCommand
{
    internal WastAssertModuleCommand(TextPosition position, WastCommandKind kind, WastModule module, string message) : base(position)
    {
        Kind = kind;
        Module = module;
        Message = message;
    }

    /// <inheritdoc/>
    public override WastCommandKind Kind { get; }

    /// <summary>The module that must fail.</summary>
    public WastModule Module { get; }

    /// <summary>The expected failure message; the spec's runner accepts any message that starts with it.</summary>
    public string Message { get; }
}

/// <summary>A command kept but not modelled (see <see cref="WastCommandKind.Unsupported"/>).</summary>
public sealed class WastUnsupportedCommand : WastCommand
{
    internal WastUnsupportedCommand(TextPosition position, string head, SList source) : base(position)
    {
        Head = head;
        Source = source;
    }

    /// <summary>The command's keyword, e.g. <c>thread</c>.</summary>
    public string Head { get; }

    /// <summary>The whole command.</summary>
    internal SList Source { get; }

    /// <inheritdoc/>
    public override WastCommandKind Kind => WastCommandKind.Unsupported;
}
