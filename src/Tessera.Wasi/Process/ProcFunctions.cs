using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Process;

/// <summary>proc_exit, proc_raise, sched_yield.</summary>
internal static class ProcFunctions
{
    /// <summary>Unwinds the guest with <see cref="WasiExit"/>; never returns.</summary>
    public static void Exit(int code) => throw new WasiExit(code);

    /// <summary>
    /// Signals are not part of the sandbox: a guest cannot signal itself or the host. Wasmtime
    /// answers <see cref="Errno.NotSup"/> (its preview 1 implementation), and so does Tessera;
    /// node's uvwasi instead raises the signal in the host process, which a sandbox must not do.
    /// </summary>
    public static Errno Raise(int signal) => Errno.NotSup;

    public static Errno Yield()
    {
        Thread.Yield();
        return Errno.Success;
    }
}
