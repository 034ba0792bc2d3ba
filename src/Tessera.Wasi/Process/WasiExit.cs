namespace Tessera.Wasi.Process;

/// <summary>
/// Thrown by proc_exit to unwind the guest: generated code has no handlers, so it passes through
/// every WebAssembly frame to the embedder's call, which catches it and reads <see cref="Code"/>.
/// </summary>
public sealed class WasiExit(int code) : Exception($"the guest exited with code {code}")
{
    /// <summary>The guest's exit code (<c>$exitcode</c>, a u32, as a signed int).</summary>
    public int Code { get; } = code;

    /// <summary>The POSIX number of the signal the program raised to end itself (proc_raise), or
    /// 0 when it exited with proc_exit. <see cref="Code"/> is then 128 + this number.</summary>
    public int Signal { get; init; }
}
