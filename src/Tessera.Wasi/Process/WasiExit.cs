namespace Tessera.Wasi.Process;

/// <summary>
/// Thrown by proc_exit to unwind the guest: generated code has no handlers, so it passes through
/// every WebAssembly frame to the embedder's call, which catches it and reads <see cref="Code"/>.
/// </summary>
public sealed class WasiExit(int code) : Exception($"the guest exited with code {code}")
{
    /// <summary>The guest's exit code (<c>$exitcode</c>, a u32, as a signed int).</summary>
    public int Code { get; } = code;
}
