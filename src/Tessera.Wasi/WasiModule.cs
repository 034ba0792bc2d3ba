using System.Net.Sockets;
using Tessera.Wasi.Abi;
using Tessera.Wasi.Clocks;
using Tessera.Wasi.Files;
using Tessera.Wasi.Memory;
using Tessera.Wasi.Poll;
using Tessera.Wasi.Process;
using Tessera.Wasi.Random;
using Tessera.Wasi.Sockets;
using Tessera.Wasm.Runtime;
using M = Tessera.Wasi.Memory.GuestMemory;

namespace Tessera.Wasi;

/// <summary>
/// Defines every function of <c>wasi_snapshot_preview1</c> on a <see cref="Linker"/>, bound to one
/// <see cref="WasiContext"/>. Each is a typed host function (generated code calls it directly);
/// its signature is the witx one lowered to core WebAssembly (pointers and sizes as i32, u64 as
/// i64, the errno as the i32 result).
/// </summary>
/// <example>
/// <code>
/// using var wasi = new WasiContext(new WasiConfiguration().WithArguments("app").WithPreopen("/tmp/data", "/data"));
/// var linker = new Linker();
/// WasiModule.Define(linker, wasi);
/// var instance = linker.Instantiate(new Store(engine), module);
/// try { instance.GetFunc("_start")!.Invoke(); } catch (WasiExit exit) { return exit.Code; }
/// </code>
/// </example>
public static class WasiModule
{
    public const string Name = "wasi_snapshot_preview1";

    /// <summary>Every function name this module defines, in the specification's order.</summary>
    public static readonly IReadOnlyList<string> Functions =
    [
        "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get", "clock_time_get",
        "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
        "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread",
        "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber", "fd_seek",
        "fd_sync", "fd_tell", "fd_write", "path_create_directory", "path_filestat_get", "path_filestat_set_times",
        "path_link", "path_open", "path_readlink", "path_remove_directory", "path_rename", "path_symlink",
        "path_unlink_file", "poll_oneoff", "proc_exit", "proc_raise", "sched_yield", "random_get", "sock_accept",
        "sock_recv", "sock_send", "sock_shutdown",
    ];

    /// <summary>True when <paramref name="module"/> imports anything from WASI.</summary>
    public static bool IsImportedBy(Module module) => module.Definition.Imports.Any(i => i.Module == Name);

    /// <summary>The functions that can wait (for a descriptor, a clock or a turn): a kernel whose
    /// tasks call WASI names them as suspending imports.</summary>
    public static readonly IReadOnlyList<string> WaitingFunctions = ["fd_read", "fd_write", "poll_oneoff", "sched_yield", "sock_accept", "sock_recv", "sock_send"];

    /// <summary>Defines the functions for one program: every call uses <paramref name="context"/>
    /// and waits by blocking its thread.</summary>
    public static Linker Define(Linker linker, WasiContext context) => Define(linker, _ => context, ThreadWaiter.Instance);

    /// <summary>Defines the functions for callers that each find their own context (the kernel:
    /// the program a task belongs to) and wait through <paramref name="waiter"/>.</summary>
    public static Linker Define(Linker linker, Func<Caller, WasiContext> contextOf, IWasiWaiter waiter)
    {
        var w = waiter;
        // Deferred: a function's adapter is generated only if a program imports it (start-up).
        void D(string name, Delegate f) => linker.DefineFunc(Name, name, f);

        D("args_get", (Caller k, int argv, int buf) => Call(() => ArgsEnviron.Get(contextOf(k).Arguments, new M(k), argv, buf)));
        D("args_sizes_get", (Caller k, int count, int size) => Call(() => ArgsEnviron.SizesGet(contextOf(k).Arguments, new M(k), count, size)));
        D("environ_get", (Caller k, int env, int buf) => Call(() => ArgsEnviron.Get(contextOf(k).Environment, new M(k), env, buf)));
        D("environ_sizes_get", (Caller k, int count, int size) => Call(() => ArgsEnviron.SizesGet(contextOf(k).Environment, new M(k), count, size)));
        D("clock_res_get", (Caller k, int id, int res) => Call(() => ClockFunctions.ResGet(new M(k), id, res)));
        D("clock_time_get", (Caller k, int id, long precision, int res) => Call(() => ClockFunctions.TimeGet(new M(k), w.Clock, id, precision, res)));

        D("fd_advise", (Caller k, int fd, long offset, long len, int advice) => Call(() => FdFunctions.Advise(contextOf(k), fd, offset, len, advice)));
        D("fd_allocate", (Caller k, int fd, long offset, long len) => Call(() => FdFunctions.Allocate(contextOf(k), fd, offset, len)));
        D("fd_close", (Caller k, int fd) => Call(() => FdFunctions.Close(contextOf(k), fd)));
        D("fd_datasync", (Caller k, int fd) => Call(() => FdFunctions.Datasync(contextOf(k), fd)));
        D("fd_fdstat_get", (Caller k, int fd, int res) => Call(() => FdFunctions.FdstatGet(contextOf(k), new M(k), fd, res)));
        D("fd_fdstat_set_flags", (Caller k, int fd, int flags) => Call(() => FdFunctions.FdstatSetFlags(contextOf(k), fd, flags)));
        D("fd_fdstat_set_rights", (Caller k, int fd, long rightsBase, long rightsInheriting) => Call(() => FdFunctions.FdstatSetRights(contextOf(k), fd, rightsBase, rightsInheriting)));
        D("fd_filestat_get", (Caller k, int fd, int res) => Call(() => FdFunctions.FilestatGet(contextOf(k), new M(k), fd, res)));
        D("fd_filestat_set_size", (Caller k, int fd, long size) => Call(() => FdFunctions.FilestatSetSize(contextOf(k), fd, size)));
        D("fd_filestat_set_times", (Caller k, int fd, long atim, long mtim, int flags) => Call(() => FdFunctions.FilestatSetTimes(contextOf(k), fd, atim, mtim, flags)));
        D("fd_pread", (Caller k, int fd, int iovs, int n, long offset, int res) => Call(() => FdFunctions.Pread(contextOf(k), new M(k), fd, iovs, n, offset, res)));
        D("fd_prestat_get", (Caller k, int fd, int res) => Call(() => FdFunctions.PrestatGet(contextOf(k), new M(k), fd, res)));
        D("fd_prestat_dir_name", (Caller k, int fd, int path, int len) => Call(() => FdFunctions.PrestatDirName(contextOf(k), new M(k), fd, path, len)));
        D("fd_pwrite", (Caller k, int fd, int iovs, int n, long offset, int res) => Call(() => FdFunctions.Pwrite(contextOf(k), new M(k), fd, iovs, n, offset, res)));
        D("fd_read", (Caller k, int fd, int iovs, int n, int res) => Call(() => FdFunctions.Read(contextOf(k), w, k, new M(k), fd, iovs, n, res)));
        D("fd_readdir", (Caller k, int fd, int buf, int len, long cookie, int res) => Call(() => DirectoryListing.Readdir(contextOf(k), new M(k), fd, buf, len, cookie, res)));
        D("fd_renumber", (Caller k, int fd, int to) => Call(() => FdFunctions.Renumber(contextOf(k), fd, to)));
        D("fd_seek", (Caller k, int fd, long offset, int whence, int res) => Call(() => FdFunctions.Seek(contextOf(k), new M(k), fd, offset, whence, res)));
        D("fd_sync", (Caller k, int fd) => Call(() => FdFunctions.Sync(contextOf(k), fd)));
        D("fd_tell", (Caller k, int fd, int res) => Call(() => FdFunctions.Tell(contextOf(k), new M(k), fd, res)));
        D("fd_write", (Caller k, int fd, int iovs, int n, int res) => Call(() => FdFunctions.Write(contextOf(k), w, k, new M(k), fd, iovs, n, res)));

        D("path_create_directory", (Caller k, int fd, int path, int len) => Call(() => PathFunctions.CreateDirectory(contextOf(k), new M(k), fd, path, len)));
        D("path_filestat_get", (Caller k, int fd, int flags, int path, int len, int res) => Call(() => PathFunctions.FilestatGet(contextOf(k), new M(k), fd, flags, path, len, res)));
        D("path_filestat_set_times", (Caller k, int fd, int flags, int path, int len, long atim, long mtim, int fst) =>
            Call(() => PathFunctions.FilestatSetTimes(contextOf(k), new M(k), fd, flags, path, len, atim, mtim, fst)));
        D("path_link", (Caller k, int oldFd, int oldFlags, int oldPath, int oldLen, int newFd, int newPath, int newLen) =>
            Call(() => PathFunctions.Link(contextOf(k), new M(k), oldFd, oldFlags, oldPath, oldLen, newFd, newPath, newLen)));
        D("path_open", (Caller k, int fd, int dirFlags, int path, int len, int oflags, long rightsBase, long rightsInheriting, int fdFlags, int res) =>
            Call(() => PathFunctions.Open(contextOf(k), new M(k), fd, dirFlags, path, len, oflags, rightsBase, rightsInheriting, fdFlags, res)));
        D("path_readlink", (Caller k, int fd, int path, int len, int buf, int bufLen, int res) => Call(() => PathFunctions.Readlink(contextOf(k), new M(k), fd, path, len, buf, bufLen, res)));
        D("path_remove_directory", (Caller k, int fd, int path, int len) => Call(() => PathFunctions.RemoveDirectory(contextOf(k), new M(k), fd, path, len)));
        D("path_rename", (Caller k, int fd, int oldPath, int oldLen, int newFd, int newPath, int newLen) =>
            Call(() => PathFunctions.Rename(contextOf(k), new M(k), fd, oldPath, oldLen, newFd, newPath, newLen)));
        D("path_symlink", (Caller k, int oldPath, int oldLen, int fd, int newPath, int newLen) => Call(() => PathFunctions.Symlink(contextOf(k), new M(k), oldPath, oldLen, fd, newPath, newLen)));
        D("path_unlink_file", (Caller k, int fd, int path, int len) => Call(() => PathFunctions.UnlinkFile(contextOf(k), new M(k), fd, path, len)));

        D("poll_oneoff", (Caller k, int input, int output, int n, int res) => Call(() => PollFunctions.PollOneoff(contextOf(k), w, k, new M(k), input, output, n, res)));
        D("proc_exit", (Caller k, int code) => ProcFunctions.Exit(code));
        D("proc_raise", (Caller k, int signal) => (int)ProcFunctions.Raise(signal));
        D("sched_yield", (Caller k) => (int)ProcFunctions.Yield(w, k));
        D("random_get", (Caller k, int buf, int len) => Call(() => RandomFunctions.Get(new M(k), buf, len)));

        D("sock_accept", (Caller k, int fd, int flags, int res) => Call(() => SocketFunctions.Accept(contextOf(k), w, k, new M(k), fd, flags, res)));
        D("sock_recv", (Caller k, int fd, int iovs, int n, int flags, int lenOut, int flagsOut) => Call(() => SocketFunctions.Receive(contextOf(k), w, k, new M(k), fd, iovs, n, flags, lenOut, flagsOut)));
        D("sock_send", (Caller k, int fd, int iovs, int n, int flags, int res) => Call(() => SocketFunctions.Send(contextOf(k), w, k, new M(k), fd, iovs, n, flags, res)));
        D("sock_shutdown", (Caller k, int fd, int how) => Call(() => SocketFunctions.Shutdown(contextOf(k), fd, how)));
        return linker;
    }

    /// <summary>
    /// Runs one WASI function and turns its failure into an errno. Only failures that describe the
    /// guest's request or the host resource are caught; <see cref="WasiExit"/> and traps pass.
    /// </summary>
    private static int Call(Func<Errno> body)
    {
        try
        {
            return (int)body();
        }
        catch (WasiException e)
        {
            return (int)e.Errno;
        }
        catch (SocketException e)
        {
            return (int)HostErrors.FromSocket(e);
        }
        catch (ObjectDisposedException)
        {
            return (int)Errno.BadF;
        }
        catch (IOException)
        {
            return (int)Errno.Io;
        }
        catch (NotSupportedException)
        {
            return (int)Errno.NotSup;
        }
    }
}
