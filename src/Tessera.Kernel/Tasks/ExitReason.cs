using Tessera.Wasm.Runtime;

namespace Tessera.Kernel.Tasks;

/// <summary>How a task ended.</summary>
public enum ExitKind : byte
{
    /// <summary>Its function returned.</summary>
    Normal,
    /// <summary>It trapped (<see cref="ExitReason.Trap"/> says how), exhausted its stack included.</summary>
    Trapped,
    /// <summary>It was killed: by <see cref="Kernel.Kill"/>, a guest's kill, or a linked task's death.</summary>
    Killed,
    /// <summary>A host function it called failed with an exception that is not a trap.</summary>
    HostError,
    /// <summary>It could not start: the export is missing or has a type a task cannot run.</summary>
    BadEntry,
    /// <summary>Not a way to end: what <see cref="Kernel.Join"/> and monitors report for a task that
    /// was not live when asked about (never existed, or already ended and forgotten).</summary>
    Unknown,
    /// <summary>It ended its program's way: WASI's proc_exit (or a signal it raised), with
    /// <see cref="ExitReason.ExitCode"/>; abnormal unless the code is 0.</summary>
    Exited,
}

/// <summary>Why a task ended: the kind, the trap kind when it trapped, and a description.</summary>
public sealed record ExitReason(ExitKind Kind, TrapKind? Trap = null, string? Detail = null)
{
    public static ExitReason Normal { get; } = new(ExitKind.Normal);

    /// <summary>What the task's function returned, when it returned.</summary>
    public IReadOnlyList<Value> Results { get; init; } = [];

    /// <summary>The code given to proc_exit, when <see cref="Kind"/> is <see cref="ExitKind.Exited"/>.</summary>
    public int ExitCode { get; init; }

    /// <summary>Anything but a normal return or an exit with code 0: what a link propagates.</summary>
    public bool IsAbnormal => Kind != ExitKind.Normal && !(Kind == ExitKind.Exited && ExitCode == 0);

    public override string ToString() => Detail is null ? Kind.ToString() : $"{Kind}: {Detail}";
}
