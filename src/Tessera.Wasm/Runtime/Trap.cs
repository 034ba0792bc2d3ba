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
    /// <summary>The instance's fuel ran out (<see cref="EngineOptions.Fuel"/> without preemption).</summary>
    OutOfFuel,
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

    /// <summary>A trap raised by the hardware: <paramref name="fault"/> is the exception the runtime
    /// threw at the faulting instruction (its stack trace holds the WebAssembly frames).</summary>
    private WasmTrap(TrapKind kind, Exception fault)
        : base(Describe(kind), fault)
    {
        Kind = kind;
    }

    public TrapKind Kind { get; }

    /// <summary>
    /// The trap an out-of-bounds access under guard pages raised, if <paramref name="exception"/>
    /// is one: the fault handler recorded a guard-region fault on this thread and the runtime
    /// threw <see cref="NullReferenceException"/> for it (<see cref="Platform.Memory.GuardRegions"/>).
    /// Null for any other exception, which the caller lets go on unchanged. Host-to-WebAssembly
    /// entries call this, so the embedder only ever sees a <see cref="WasmTrap"/>.
    /// </summary>
    public static WasmTrap? FromFault(Exception exception) =>
        exception is NullReferenceException && Platform.Memory.GuardRegions.TakeFault() != 0 ? new WasmTrap(TrapKind.MemoryOutOfBounds, exception) : null;

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
        // A hardware trap's innermost frames are on the fault's stack trace (the faulting
        // instruction up to the entry that turned it into this trap); the rest on this one.
        if (InnerException is NullReferenceException fault) AddFrames(frames, fault);
        AddFrames(frames, this);
        return frames;
    }

    private static void AddFrames(List<WasmFrame> frames, Exception exception)
    {
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: false).GetFrames())
        {
            if (Compilation.CompiledModule.FrameOf(frame.GetMethod()) is { } wasm) frames.Add(wasm);
        }
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
        TrapKind.OutOfFuel => "all fuel consumed",
        _ => "host error",
    };

    /// <summary>A trap for generated code to <c>throw</c>, so the IL after it is known unreachable.</summary>
    public static WasmTrap Create(TrapKind kind) => new(kind);

    /// <summary>Throws a trap; generated code calls this so the throw stays out of hot paths.</summary>
    [DoesNotReturn]
    public static void Throw(TrapKind kind) => throw new WasmTrap(kind);
}
