using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tessera.Wasm.Runtime;

/// <summary>Why execution trapped; one value per trap condition of the specification.</summary>
public enum TrapKind : byte
{
    Unreachable,
    IntegerDivideByZero,
    IntegerOverflow,
    InvalidConversionToInteger,
    MemoryOutOfBounds,
    TableOutOfBounds,
    IndirectCallTypeMismatch,
    UndefinedElement,
    UninitializedElement,
    StackExhausted,
    HostError,
    /// <summary>Stopped from outside by an interrupt check (a killed task), not a fault of the code.</summary>
    Interrupted,
}

/// <summary>
/// A WebAssembly trap: the one exception type execution raises, at any depth of generated code,
/// with a fixed <see cref="TrapKind"/>. The message is the spec suite's wording for the kind.
/// </summary>
public sealed class WasmTrap : WasmException
{
    public WasmTrap(TrapKind kind, string? detail = null)
        : base(detail is null ? Describe(kind) : $"{Describe(kind)} ({detail})")
    {
        Kind = kind;
    }

    public TrapKind Kind { get; }

    private IReadOnlyList<WasmFrame>? _backtrace;

    /// <summary>
    /// The WebAssembly functions the trap unwound through, innermost first, named from the name
    /// section: read from the exception's .NET stack trace (generated methods map back to their
    /// functions), so it costs nothing until asked for. Empty before the trap is thrown.
    /// </summary>
    public IReadOnlyList<WasmFrame> Backtrace => _backtrace ??= CaptureBacktrace();

    private IReadOnlyList<WasmFrame> CaptureBacktrace()
    {
        var frames = new List<WasmFrame>();
        foreach (var frame in new StackTrace(this, fNeedFileInfo: false).GetFrames())
        {
            if (Compilation.CompiledModule.FrameOf(frame.GetMethod()) is { } wasm) frames.Add(wasm);
        }
        return frames;
    }

    /// <summary>The message and the backtrace, one frame a line (the first <paramref name="limit"/>
    /// frames; deep recursion is summarized).</summary>
    public string FormatBacktrace(int limit = 32)
    {
        var text = new System.Text.StringBuilder(Message);
        var frames = Backtrace;
        if (frames.Count > 0) text.Append("\nwasm backtrace:");
        for (int i = 0; i < Math.Min(limit, frames.Count); i++) text.Append($"\n  {i,4}: {frames[i]}");
        if (frames.Count > limit) text.Append($"\n  ... {frames.Count - limit} more frames");
        return text.ToString();
    }

    public override string Rule => Describe(Kind);

    /// <summary>The spec test suite's message for each trap kind.</summary>
    public static string Describe(TrapKind kind) => kind switch
    {
        TrapKind.Unreachable => "unreachable",
        TrapKind.IntegerDivideByZero => "integer divide by zero",
        TrapKind.IntegerOverflow => "integer overflow",
        TrapKind.InvalidConversionToInteger => "invalid conversion to integer",
        TrapKind.MemoryOutOfBounds => "out of bounds memory access",
        TrapKind.TableOutOfBounds => "out of bounds table access",
        TrapKind.IndirectCallTypeMismatch => "indirect call type mismatch",
        TrapKind.UndefinedElement => "undefined element",
        TrapKind.UninitializedElement => "uninitialized element",
        TrapKind.StackExhausted => "call stack exhausted",
        TrapKind.Interrupted => "interrupted",
        _ => "host error",
    };

    /// <summary>A trap for generated code to <c>throw</c>, so the IL after it is known unreachable.</summary>
    public static WasmTrap Create(TrapKind kind) => new(kind);

    /// <summary>Throws a trap; generated code calls this so the throw stays out of hot paths.</summary>
    [DoesNotReturn]
    public static void Throw(TrapKind kind) => throw new WasmTrap(kind);
}
