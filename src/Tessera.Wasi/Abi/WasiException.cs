namespace Tessera.Wasi.Abi;

/// <summary>
/// A WASI function failing with an errno. Thrown inside the implementation where unwinding is the
/// clearest way out (a bad guest pointer deep in a loop over iovecs) and turned into the function's
/// return value by <see cref="WasiModule"/>; it never reaches the guest or the embedder.
/// </summary>
public sealed class WasiException(Errno errno) : Exception($"WASI error {errno}")
{
    public Errno Errno { get; } = errno;
}
