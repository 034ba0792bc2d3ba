using Tessera.Wasi.Poll;
using Tessera.Wasm.Runtime;
using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Process;

/// <summary>proc_exit, proc_raise, sched_yield.</summary>
internal static class ProcFunctions
{
    /// <summary>Unwinds the guest with <see cref="WasiExit"/>; never returns.</summary>
    public static void Exit(int code) => throw new WasiExit(code);

    /// <summary>
    /// Delivers <paramref name="signal"/> to the program itself, never to the host process (node's
    /// uvwasi raises it in the host, which a sandbox must not do; Wasmtime answers ENOTSUP). A
    /// WASI program installs no handlers, so each signal takes the default action the witx gives
    /// it: the terminating ones end the program as a native process killed by that signal ends,
    /// with exit status 128 + the signal's POSIX number (<see cref="WasiExit.Signal"/>); the
    /// ignored ones (pipe, chld, urg, winch) and cont do nothing. The stop signals are discarded,
    /// as POSIX discards them for a process in an orphaned process group: nothing could ever
    /// continue the program. <c>none</c> checks nothing and succeeds, as <c>raise(0)</c> does.
    /// </summary>
    public static Errno Raise(int signal)
    {
        if ((uint)signal > (uint)Signal.Sys) return Errno.Inval;
        switch ((Signal)signal)
        {
            case Signal.None or Signal.Pipe or Signal.Chld or Signal.Urg or Signal.Winch or Signal.Cont:
            case Signal.Stop or Signal.Tstp or Signal.Ttin or Signal.Ttou:
                return Errno.Success;
            default:
                int number = PosixNumber((Signal)signal);
                throw new WasiExit(128 + number) { Signal = number };
        }
    }

    /// <summary>The Linux number of a terminating signal (the witx order skips SIGCHLD's 17 and
    /// the stop and continue signals, so the two numberings part after SIGTERM).</summary>
    private static int PosixNumber(Signal signal) => signal switch
    {
        <= Signal.Term => (int)signal,
        Signal.Xcpu => 24,
        Signal.Xfsz => 25,
        Signal.Vtalrm => 26,
        Signal.Prof => 27,
        Signal.Poll => 29,
        Signal.Pwr => 30,
        Signal.Sys => 31,
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "not a terminating signal"),
    };

    /// <summary>sched_yield: a task goes to the back of the run queue; a thread yields its core.</summary>
    public static Errno Yield(IWasiWaiter waiter, Caller caller)
    {
        if (!waiter.Begin(caller).Resumed) waiter.Yield(caller);
        return Errno.Success;
    }
}
