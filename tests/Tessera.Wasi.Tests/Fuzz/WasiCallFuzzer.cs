using System.Buffers.Binary;
using System.Text;
using Tessera.Wasi.Abi;
using Tessera.Wasi.Process;

namespace Tessera.Wasi.Tests.Fuzz;

/// <summary>
/// Random WASI calls, one per <see cref="Step"/>, against a <see cref="Guest"/> whose one preopen
/// is a <see cref="FuzzTree"/>'s sandbox. Arguments mix valid and invalid: descriptors open,
/// closed and never opened; paths plain, with <c>..</c>, absolute, through the host's links, with
/// NUL or bad UTF-8, from 255 bytes to a single 8 MiB component; pointers inside memory, at and
/// past its end; iovec counts from 0 to 2^29; random flags and rights. After each call it checks
/// what must always hold (<see cref="Check"/>) and, where a call's effect is cheap to model, that
/// the host tree shows it.
/// </summary>
internal sealed class WasiCallFuzzer
{
    private const int Root = 3;
    // Guest memory: two path regions, an iovec table, buffers, results, then the 8 MiB name.
    private const int PathOne = 0x4000, PathTwo = 0x8000, Table = 0xC000, Buffers = 0x10000, Out = 0x20000;
    private const int HugeAt = 0x10_0000, HugeLength = 8 << 20;
    public const int Pages = (HugeAt + HugeLength) / 65536 + 16;
    private const int End = Pages * 65536;

    private static readonly string[] ModelNames = ["a", "b", "d", "d/e", "d/e/f", "n0", "n1", "n2", "d/n3", "d/e/n4", "dl/n5"];
    private static readonly string[] Weird =
    [
        "", ".", "..", "../outside/secret.txt", "/etc/passwd", "/", "a/", "d/", "d/../a", "d/e/../../..", "d/./e//f",
        "l", "dl/f", "up", "abs", "absdir/secret.txt", "loop1", "loop2/x", "d/back", "d/climb/secret.txt", "a/b",
        "d/e/../../../outside", "./././a", "é", "n0/", "dl/../../outside",
    ];
    private static readonly string[] Functions = WasiModule.Functions.Where(f => f != "proc_exit").ToArray();

    private readonly System.Random _random;
    private readonly Guest _guest;
    private readonly FuzzTree _tree;
    private readonly List<int> _opened = [];
    /// <summary>Descriptors opened on a modelled path, whose host file is known while no name changes.</summary>
    private readonly Dictionary<int, string> _files = [];
    private readonly Queue<string> _recent = new();

    public WasiCallFuzzer(int seed, Guest guest, FuzzTree tree)
    {
        _random = new System.Random(seed);
        _guest = guest;
        _tree = tree;
        _guest.Memory.Slice(HugeAt, HugeLength).Fill((byte)'a');
    }

    /// <summary>The last calls made, for a failure message that says how to get there.</summary>
    public string Recent => string.Join("\n", _recent);

    public int Calls { get; private set; }

    /// <summary>Calls that succeeded, by function: the run reached past the argument checks.</summary>
    public Dictionary<string, int> Successes { get; } = [];

    /// <summary>Successful calls whose effect was compared with the host tree.</summary>
    public int Modelled { get; private set; }

    private bool Chance(int percent) => _random.Next(100) < percent;
    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private int Descriptor()
    {
        int roll = _random.Next(100);
        if (roll < 40) return Root;
        if (roll < 70 && _opened.Count > 0) return Pick(_opened);
        if (roll < 80) return _random.Next(3);
        return Pick([4, 7, 19, -1, 1 << 20, int.MaxValue]);
    }

    /// <summary>A descriptor other than the preopen, for the calls that would take it away
    /// (close, renumber, shrinking rights): losing it early would leave the rest of a run
    /// nothing but EBADF.</summary>
    private int NotRoot()
    {
        int fd = Chance(70) && _opened.Count > 0 ? Pick(_opened) : Descriptor();
        return fd == Root ? 0 : fd;
    }

    /// <summary>A pointer for a result of <paramref name="size"/> bytes: usually good, else at,
    /// straddling or past the end.</summary>
    private int Result(int size) => _random.Next(100) switch
    {
        < 85 => Out,
        < 90 => End - size + 1,
        < 95 => End,
        _ => -1,
    };

    private long Small() => Pick([0L, 1L, 7L, 4096L, 65536L, -1L, long.MinValue]);

    /// <summary>Places a path in memory; returns (pointer, length, the path when its effect is
    /// modelled: a plain name relative to the preopen).</summary>
    private (int Pointer, int Length, string? Model) Path(int region)
    {
        int roll = _random.Next(100);
        if (roll < 40)
        {
            string name = Pick(ModelNames);
            return (region, _guest.Put(region, name), name);
        }
        if (roll < 70) return (region, _guest.Put(region, Pick(Weird)), null);
        if (roll < 78)
        {
            // Random components, some of them "." and "..".
            var text = new StringBuilder();
            for (int i = _random.Next(1, 6); i > 0; i--)
                text.Append(Pick(["..", ".", "a", "d", "e", "zz", "dl", "up", "l"])).Append(i > 1 ? "/" : "");
            return (region, _guest.Put(region, text.ToString()), null);
        }
        if (roll < 83)
        {
            byte[] bad = Chance(50) ? "a\0b"u8.ToArray() : [0x61, 0xFF, 0xFE];
            bad.CopyTo(_guest.Memory[region..]);
            return (region, bad.Length, null);
        }
        if (roll < 93)
        {
            int length = Pick([255, 256, 4095, 4096, 4097, HugeLength]);
            if (length == HugeLength) return (HugeAt, HugeLength, null);
            if (length == 4095 && Chance(50))
                return (region, Encoding.ASCII.GetBytes("." + new string('/', 4092) + "/a", _guest.Memory[region..]), null);
            _guest.Memory.Slice(region, length).Fill((byte)'n');
            return (region, length, null);
        }
        return Pick<(int, int, string?)>([(End, 1, null), (End - 2, 4, null), (-1, 4, null), (region, -1, null), (HugeAt, int.MaxValue, null)]);
    }

    /// <summary>Lays out an iovec array of random buffers (content random) and returns it with the
    /// bytes the buffers hold in order; sometimes an entry or the count is bad.</summary>
    private (int Pointer, int Count, byte[] Content) Iovecs()
    {
        int roll = _random.Next(100);
        if (roll < 5) return (Table, Pick([1 << 20, 0x2000_0000, -1]), []);
        if (roll < 8) return (Pick([End, End - 4, -1]), 1, []);
        int count = _random.Next(0, 5);
        var content = new List<byte>();
        int at = Buffers;
        for (int i = 0; i < count; i++)
        {
            int length = Pick([0, 1, 5, 100, 4096]);
            var span = _guest.Memory.Slice(at, length);
            _random.NextBytes(span);
            content.AddRange(span.ToArray());
            _guest.SetU32(Table + 8 * i, (uint)at);
            _guest.SetU32(Table + 8 * i + 4, (uint)length);
            at += length;
        }
        if (count > 0 && roll < 13)
        {
            // One entry outside memory: the whole call must fault with nothing moved.
            _guest.SetU32(Table + 8 * (count - 1), (uint)Pick([End, End - 1, -1]));
            _guest.SetU32(Table + 8 * (count - 1) + 4, 16);
        }
        return (Table, count, content.ToArray());
    }

    private long Rights() => Chance(70) ? (long)Pick([Abi.Rights.FdRead, Abi.Rights.FdRead | Abi.Rights.FdWrite | Abi.Rights.FdSeek, RightSets.Directory, RightSets.All]) : _random.NextInt64();

    /// <summary>One random call, then the checks.</summary>
    public void Step()
    {
        string function = Pick(Functions);
        var args = new List<object>();
        Action<Errno>? model = null;
        switch (function)
        {
            case "args_get" or "environ_get":
                args.AddRange([Result(64), Result(64) + 64]);
                break;
            case "args_sizes_get" or "environ_sizes_get":
                args.AddRange([Result(4), Result(4) + 8]);
                break;
            case "clock_res_get":
                args.AddRange([_random.Next(-1, 6), Result(8)]);
                break;
            case "clock_time_get":
                args.AddRange([_random.Next(-1, 6), Small(), Result(8)]);
                break;
            case "fd_advise":
                args.AddRange([Descriptor(), Small(), Small(), _random.Next(-1, 8)]);
                break;
            case "fd_allocate":
                // Small sizes only: an allocation is real disk.
                args.AddRange([Descriptor(), Pick([0L, 10L, -1L]), Pick([0L, 1L, 4096L, -1L])]);
                break;
            case "fd_close" or "fd_datasync" or "fd_sync":
                args.Add(function == "fd_close" ? NotRoot() : Descriptor());
                break;
            case "fd_fdstat_get" or "fd_filestat_get" or "fd_prestat_get" or "fd_tell":
                args.AddRange([Descriptor(), Result(64)]);
                break;
            case "fd_fdstat_set_flags":
                args.AddRange([Descriptor(), _random.Next(0, 0x40)]);
                break;
            case "fd_fdstat_set_rights":
                args.AddRange([NotRoot(), Rights(), Rights()]);
                break;
            case "fd_filestat_set_size":
                args.AddRange([Descriptor(), Pick([0L, 3L, 4096L, -1L])]);
                break;
            case "fd_filestat_set_times":
                args.AddRange([Descriptor(), Small(), Small(), _random.Next(0, 0x20)]);
                break;
            case "fd_pread" or "fd_read":
                {
                    var (iovs, count, _) = Iovecs();
                    args.AddRange([Descriptor(), iovs, count]);
                    if (function == "fd_pread") args.Add(Pick([0L, 3L, 1L << 40, -1L]));
                    args.Add(Result(4));
                    break;
                }
            case "fd_pwrite" or "fd_write":
                {
                    var (iovs, count, content) = Iovecs();
                    // Often a file whose host path is known, so the bytes written can be compared.
                    int fd = _files.Count > 0 && Chance(60) ? Pick(_files.Keys.ToArray()) : Descriptor();
                    long offset = Pick([0L, 3L, 100L, -1L, long.MaxValue]);
                    args.AddRange([fd, iovs, count]);
                    if (function == "fd_pwrite") args.Add(offset);
                    int result = Result(4);
                    args.Add(result);
                    if (function == "fd_pwrite" && _files.TryGetValue(fd, out var host) && offset is >= 0 and <= 100 && result == Out)
                    {
                        model = e =>
                        {
                            if (e != Errno.Success) return;
                            int n = (int)_guest.U32(Out);
                            var bytes = File.ReadAllBytes(host);
                            Assert.True(bytes.Length >= offset + n, $"{host}: {bytes.Length} bytes after fd_pwrite of {n} at {offset}");
                            Assert.Equal(content.AsSpan(0, n).ToArray(), bytes.AsSpan((int)offset, n).ToArray());
                        };
                    }
                    break;
                }
            case "fd_prestat_dir_name":
                args.AddRange([Descriptor(), Result(8), Pick([0, 3, 8, 64, -1])]);
                break;
            case "fd_readdir":
                args.AddRange([Descriptor(), Chance(80) ? Buffers : End - 8, Pick([0, 24, 100, 4096, -1]), Pick([0L, 1L, 2L, 50L, -1L]), Result(4)]);
                break;
            case "fd_renumber":
                args.AddRange([NotRoot(), NotRoot()]);
                break;
            case "fd_seek":
                args.AddRange([Descriptor(), Small(), _random.Next(-1, 4), Result(8)]);
                break;
            case "path_create_directory" or "path_remove_directory" or "path_unlink_file":
                {
                    int fd = Chance(85) ? Root : Descriptor();
                    var (p, n, name) = Path(PathOne);
                    args.AddRange([fd, p, n]);
                    if (fd == Root && name is not null) model = e => ModelNamed(function, e, name);
                    break;
                }
            case "path_filestat_get":
                {
                    var (p, n, _) = Path(PathOne);
                    args.AddRange([Descriptor(), _random.Next(0, 3), p, n, Result(64)]);
                    break;
                }
            case "path_filestat_set_times":
                {
                    var (p, n, _) = Path(PathOne);
                    args.AddRange([Descriptor(), _random.Next(0, 3), p, n, Small(), Small(), _random.Next(0, 0x20)]);
                    break;
                }
            case "path_link" or "path_rename":
                {
                    var (p1, n1, from) = Path(PathOne);
                    var (p2, n2, to) = Path(PathTwo);
                    int fd1 = Chance(85) ? Root : Descriptor(), fd2 = Chance(85) ? Root : Descriptor();
                    if (function == "path_link") args.AddRange([fd1, _random.Next(0, 3), p1, n1, fd2, p2, n2]);
                    else args.AddRange([fd1, p1, n1, fd2, p2, n2]);
                    if (function == "path_rename" && fd1 == Root && fd2 == Root && from is not null && to is not null && from != to)
                        model = e => ModelRename(e, from, to);
                    break;
                }
            case "path_open":
                {
                    var (p, n, name) = Path(PathOne);
                    int fd = Chance(85) ? Root : Descriptor();
                    int oflags = Chance(80) ? Pick([0, 1, 2, 1 | 4, 1 | 8, 8]) : _random.Next(0, 0x20);
                    int fdflags = Chance(80) ? 0 : _random.Next(0, 0x40);
                    args.AddRange([fd, _random.Next(0, 3), p, n, oflags, Rights(), Rights(), fdflags, Result(4)]);
                    model = e => ModelOpen(e, fd, name, oflags, fdflags);
                    break;
                }
            case "path_readlink":
                {
                    var (p, n, _) = Path(PathOne);
                    args.AddRange([Descriptor(), p, n, Chance(80) ? Buffers : End - 2, Pick([0, 1, 4, 256, -1]), Result(4)]);
                    break;
                }
            case "path_symlink":
                {
                    var (target, targetLength, _) = Path(PathOne);
                    var (p, n, name) = Path(PathTwo);
                    int fd = Chance(85) ? Root : Descriptor();
                    args.AddRange([target, targetLength, fd, p, n]);
                    if (fd == Root && name is not null && targetLength is > 0 and < 64 && target == PathOne)
                    {
                        string text = _guest.Text(PathOne, targetLength);
                        model = e =>
                        {
                            if (e == Errno.Success) Assert.Equal(text, new FileInfo(System.IO.Path.Combine(_tree.Sandbox, name)).LinkTarget);
                        };
                    }
                    break;
                }
            case "poll_oneoff":
                {
                    int count = Chance(90) ? _random.Next(0, 5) : Pick([4097, 1 << 20, -1]);
                    for (int i = 0; i < Math.Min(count, 4); i++)
                    {
                        var s = _guest.Memory.Slice(Table + i * Layouts.SubscriptionSize, Layouts.SubscriptionSize);
                        s.Clear();
                        BinaryPrimitives.WriteUInt64LittleEndian(s, (ulong)i);
                        s[8] = (byte)_random.Next(0, 4);
                        // Clocks: a relative timeout of at most 1 µs, or an absolute one of 0, so no call waits.
                        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], s[8] == 0 ? (uint)_random.Next(0, 5) : (uint)Descriptor());
                        bool absolute = Chance(20);
                        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], absolute ? 0 : (ulong)_random.Next(0, 1000));
                        BinaryPrimitives.WriteUInt16LittleEndian(s[40..], (ushort)(absolute ? 1 : 0));
                    }
                    args.AddRange([Table, Chance(90) ? Buffers : End - 16, count, Result(4)]);
                    break;
                }
            case "proc_raise":
                args.Add(_random.Next(-1, 32));
                break;
            case "random_get":
                args.AddRange([Chance(85) ? Buffers : End - 8, Pick([0, 16, 65536, -1])]);
                break;
            case "sched_yield":
                break;
            case "sock_accept":
                args.AddRange([Descriptor(), _random.Next(0, 8), Result(4)]);
                break;
            case "sock_recv":
                {
                    var (iovs, count, _) = Iovecs();
                    args.AddRange([Descriptor(), iovs, count, _random.Next(0, 8), Result(4), Result(2) + 8]);
                    break;
                }
            case "sock_send":
                {
                    var (iovs, count, _) = Iovecs();
                    args.AddRange([Descriptor(), iovs, count, _random.Next(0, 2), Result(4)]);
                    break;
                }
            case "sock_shutdown":
                args.AddRange([Descriptor(), _random.Next(0, 5)]);
                break;
            default:
                throw new InvalidOperationException($"{function} has no argument generator");
        }

        string call = $"{function}({string.Join(", ", args)})";
        Errno errno;
        try
        {
            errno = _guest.Call(function, [.. args]);
        }
        catch (WasiExit exit) when (function == "proc_raise")
        {
            // A terminating signal ends the program, as documented; the host goes on.
            errno = Errno.Success;
            call += $" -> exit {exit.Code}";
        }
        Calls++;
        Remember($"{call} = {errno}");
        Check(function, args, errno);
        if (errno == Errno.Success)
        {
            Successes[function] = Successes.GetValueOrDefault(function) + 1;
            if (model is not null) Modelled++;
        }
        model?.Invoke(errno);
    }

    private void Remember(string line)
    {
        _recent.Enqueue(line);
        if (_recent.Count > 30) _recent.Dequeue();
    }

    /// <summary>What holds after every call: an errno the specification defines, a descriptor
    /// table the guest can still see through, nothing outside changed, no link leading out but the host's.</summary>
    private void Check(string function, List<object> args, Errno errno)
    {
        Assert.InRange((int)errno, 0, 76);
        if (errno != Errno.Success) return;
        if (function == "path_open" && (int)args[^1] == Out) _opened.Add((int)_guest.U32(Out));
        if (function == "fd_close")
        {
            _opened.Remove((int)args[0]);
            _files.Remove((int)args[0]);
        }
        if (function == "fd_renumber")
        {
            _opened.Remove((int)args[0]);
            _files.Remove((int)args[0]);
            _files.Remove((int)args[1]);
        }
        if (function == "fd_fdstat_set_flags") _files.Remove((int)args[0]);
        // A name changed: which host file a descriptor is can no longer be read from its path.
        if (function is "path_rename" or "path_unlink_file") _files.Clear();
        if (function.StartsWith("path_", StringComparison.Ordinal) || function.StartsWith("fd_", StringComparison.Ordinal))
        {
            Assert.Equal(_tree.OutsideAtStart, _tree.OutsideFingerprint());
            Assert.Empty(_tree.StrayLinks());
        }
    }

    private string Host(string name) => System.IO.Path.Combine(_tree.Sandbox, name);

    private void ModelNamed(string function, Errno errno, string name)
    {
        if (errno != Errno.Success) return;
        if (function == "path_create_directory") Assert.True(Directory.Exists(Host(name)), $"{name} is not a directory after path_create_directory");
        else Assert.False(FuzzTree.Names(Host(name)), $"{name} is still there after {function}");
    }

    private void ModelRename(Errno errno, string from, string to)
    {
        if (errno != Errno.Success) return;
        // Renaming a name onto a link to it, or a directory into itself, is refused or a no-op;
        // otherwise the old name is gone and the new one there.
        Assert.True(FuzzTree.Names(Host(to)), $"{to} missing after path_rename from {from}");
        if (!to.StartsWith(from + "/", StringComparison.Ordinal) && !SameFile(from, to))
            Assert.False(FuzzTree.Names(Host(from)), $"{from} still there after path_rename to {to}");
    }

    /// <summary>rename(2) of two names of one file does nothing and succeeds.</summary>
    private bool SameFile(string a, string b)
    {
        var x = new FileInfo(Host(a));
        var y = new FileInfo(Host(b));
        return x.Exists && y.Exists && x.FullName != y.FullName && Inode(Host(a)) == Inode(Host(b));
    }

    private static ulong Inode(string path) =>
        Tessera.Platform.Files.HostFiles.StatAt(Tessera.Platform.Files.HostFiles.CurrentDirectory, Encoding.UTF8.GetBytes(path), follow: false, out var s) == 0 ? s.Inode : 0;

    private void ModelOpen(Errno errno, int fd, string? name, int oflags, int fdflags)
    {
        if (errno != Errno.Success || fd != Root || name is null) return;
        string host = Host(name);
        Assert.True(File.Exists(host) || Directory.Exists(host), $"{name} opened but not on the host");
        int opened = (int)_guest.U32(Out);
        // pwrite with O_APPEND appends on Linux whatever the offset: not modelled.
        if (File.Exists(host) && (fdflags & (int)FdFlags.Append) == 0) _files[opened] = host;
    }
}
