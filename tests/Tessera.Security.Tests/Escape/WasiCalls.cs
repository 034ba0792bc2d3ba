using System.Text;
using Tessera.Wasi.Abi;

namespace Tessera.Security.Tests.Escape;

/// <summary>One parameter of a WASI function as the misuse tests fill it in.</summary>
internal abstract record Param;

/// <summary>A number that is not an address: a descriptor, flags, an offset. Descriptors the
/// sandbox opens while setting up (a file, an accepted connection) are picked at call time.</summary>
internal sealed record Scalar(Func<WasiSandbox, long> Value) : Param
{
    public static Scalar Of(long value) => new(_ => value);
}

/// <summary>A pointer to <see cref="Size"/> bytes, read (<see cref="Content"/>) or written by the
/// function; its length is implied by the function or given by a <see cref="Length"/> parameter.</summary>
internal sealed record Region(int Size, byte[]? Content = null) : Param;

/// <summary>A pointer to an iovec array (<c>$iovec_array</c>) of buffers of these contents.</summary>
internal sealed record Iovecs(byte[][] Buffers) : Param;

/// <summary>The length (bytes of a <see cref="Region"/>, in units of <paramref name="Unit"/>) or the
/// count (entries of an <see cref="Iovecs"/>) of parameter <paramref name="Of"/>.</summary>
internal sealed record Length(int Of, int Unit = 1) : Param;

/// <summary>
/// Every function of <c>wasi_snapshot_preview1</c>, each parameter described as the
/// specification's witx (typenames.witx, wasi_snapshot_preview1.witx) gives it, with arguments
/// that make the call succeed in a <see cref="WasiSandbox"/>. A misuse test replaces one pointer
/// or length with a bad one and expects errno FAULT.
/// </summary>
internal static class WasiCalls
{
    private static Region Text(string s) => new(Encoding.UTF8.GetByteCount(s), Encoding.UTF8.GetBytes(s));
    private static Scalar Dir => Scalar.Of(WasiSandbox.DirectoryFd);
    private static Scalar File => new(s => s.FileFd);
    private static Scalar Connection => new(s => s.ConnectionFd);
    private static Iovecs Buffers(params string[] contents) => new(contents.Select(Encoding.UTF8.GetBytes).ToArray());

    /// <summary>A clock subscription (<c>$subscription</c>, 48 bytes): monotonic, relative, timeout 0.</summary>
    private static byte[] ClockSubscription()
    {
        var s = new byte[Layouts.SubscriptionSize];
        BitConverter.TryWriteBytes(s.AsSpan(0), 42UL);
        s[8] = 0; // eventtype clock
        BitConverter.TryWriteBytes(s.AsSpan(16), 1u); // monotonic
        return s;
    }

    private const long OpenRights = (long)(Rights.FdRead | Rights.FdWrite | Rights.FdSeek | Rights.FdTell);

    public static readonly IReadOnlyDictionary<string, Param[]> All = new Dictionary<string, Param[]>
    {
        // argv of "prog" and "a1": two pointers, "prog\0a1\0"; environ "K=V\0".
        ["args_get"] = [new Region(8), new Region(8)],
        ["args_sizes_get"] = [new Region(4), new Region(4)],
        ["environ_get"] = [new Region(4), new Region(4)],
        ["environ_sizes_get"] = [new Region(4), new Region(4)],
        ["clock_res_get"] = [Scalar.Of(1), new Region(8)],
        ["clock_time_get"] = [Scalar.Of(1), Scalar.Of(0), new Region(8)],
        ["fd_advise"] = [File, Scalar.Of(0), Scalar.Of(0), Scalar.Of(0)],
        ["fd_allocate"] = [File, Scalar.Of(0), Scalar.Of(1)],
        ["fd_close"] = [File],
        ["fd_datasync"] = [File],
        ["fd_fdstat_get"] = [Dir, new Region(Layouts.FdstatSize)],
        ["fd_fdstat_set_flags"] = [File, Scalar.Of(0)],
        ["fd_fdstat_set_rights"] = [File, Scalar.Of(0), Scalar.Of(0)],
        ["fd_filestat_get"] = [Dir, new Region(Layouts.FilestatSize)],
        ["fd_filestat_set_size"] = [File, Scalar.Of(0)],
        ["fd_filestat_set_times"] = [File, Scalar.Of(0), Scalar.Of(0), Scalar.Of(0)],
        ["fd_pread"] = [File, Buffers("....", "...."), new Length(1), Scalar.Of(0), new Region(4)],
        ["fd_prestat_get"] = [Dir, new Region(Layouts.PrestatSize)],
        ["fd_prestat_dir_name"] = [Dir, new Region(WasiSandbox.GuestDirectory.Length), new Length(1)],
        ["fd_pwrite"] = [File, Buffers("WXYZ", "wxyz"), new Length(1), Scalar.Of(0), new Region(4)],
        ["fd_read"] = [Scalar.Of(0), Buffers("....", "...."), new Length(1), new Region(4)],
        ["fd_readdir"] = [Dir, new Region(256), new Length(1), Scalar.Of(0), new Region(4)],
        ["fd_renumber"] = [File, Scalar.Of(9)],
        ["fd_seek"] = [File, Scalar.Of(0), Scalar.Of(0), new Region(8)],
        ["fd_sync"] = [File],
        ["fd_tell"] = [File, new Region(8)],
        ["fd_write"] = [Scalar.Of(1), Buffers("abcd", "efgh"), new Length(1), new Region(4)],
        ["path_create_directory"] = [Dir, Text("newdir"), new Length(1)],
        ["path_filestat_get"] = [Dir, Scalar.Of(0), Text("f"), new Length(2), new Region(Layouts.FilestatSize)],
        // atim = mtim = 1 s after the epoch (fstflags ATIM | MTIM): a change the sandbox would see.
        ["path_filestat_set_times"] = [Dir, Scalar.Of(0), Text("f"), new Length(2), Scalar.Of(1_000_000_000), Scalar.Of(1_000_000_000), Scalar.Of(5)],
        ["path_link"] = [Dir, Scalar.Of(0), Text("f"), new Length(2), Dir, Text("f2"), new Length(5)],
        // O_CREAT: the valid call creates "new"; no misuse may.
        ["path_open"] = [Dir, Scalar.Of(0), Text("new"), new Length(2), Scalar.Of(1), Scalar.Of(OpenRights), Scalar.Of(0), Scalar.Of(0), new Region(4)],
        ["path_readlink"] = [Dir, Text("l"), new Length(1), new Region(16), new Length(3), new Region(4)],
        ["path_remove_directory"] = [Dir, Text("d"), new Length(1)],
        ["path_rename"] = [Dir, Text("f"), new Length(1), Dir, Text("g"), new Length(4)],
        ["path_symlink"] = [Text("f"), new Length(0), Dir, Text("s"), new Length(3)],
        ["path_unlink_file"] = [Dir, Text("f"), new Length(1)],
        ["poll_oneoff"] = [new Region(Layouts.SubscriptionSize, ClockSubscription()), new Region(Layouts.EventSize), new Length(0, Layouts.SubscriptionSize), new Region(4)],
        ["proc_exit"] = [Scalar.Of(0)],
        ["proc_raise"] = [Scalar.Of(0)],
        ["sched_yield"] = [],
        ["random_get"] = [new Region(16), new Length(0)],
        ["sock_accept"] = [Scalar.Of(WasiSandbox.ListenerFd), Scalar.Of(0), new Region(4)],
        ["sock_recv"] = [Connection, Buffers("....", "...."), new Length(1), Scalar.Of(0), new Region(4), new Region(2)],
        ["sock_send"] = [Connection, Buffers("PING", "pong"), new Length(1), Scalar.Of(0), new Region(4)],
        ["sock_shutdown"] = [Connection, Scalar.Of(2)],
    };

    /// <summary>True for the functions that take a pointer: those the misuse rows cover.</summary>
    public static bool TakesPointers(string function) => All[function].Any(p => p is Region or Iovecs);

    public static bool UsesSockets(string function) => function.StartsWith("sock_", StringComparison.Ordinal);
}
