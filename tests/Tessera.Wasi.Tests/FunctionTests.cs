using System.Net;
using System.Net.Sockets;
using System.Text;
using Tessera.Wasi.Abi;
using Tessera.Wasi.Process;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasi.Tests;

/// <summary>
/// Each function of wasi_snapshot_preview1 called as a guest calls it, with expected values
/// from the specification: errno numbers, and struct layouts read byte by byte.
/// </summary>
public sealed class FunctionTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tessera-wasi-");
    private readonly MemoryStream _stdout = new(), _stderr = new();
    private const int Root = 3;

    public void Dispose() => _dir.Delete(recursive: true);

    private Guest NewGuest(Action<WasiConfiguration>? configure = null, string stdin = "")
    {
        var config = new WasiConfiguration().WithPreopen(_dir.FullName, "/work");
        config.Stdin = WasiStdio.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(stdin)));
        config.Stdout = WasiStdio.FromStream(_stdout);
        config.Stderr = WasiStdio.FromStream(_stderr);
        configure?.Invoke(config);
        return new Guest(config);
    }

    private string Host(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void ErrnoNumbersAreTheSpecifications()
    {
        Assert.Equal(8, (int)Errno.BadF);
        Assert.Equal(21, (int)Errno.Fault);
        Assert.Equal(28, (int)Errno.Inval);
        Assert.Equal(32, (int)Errno.Loop);
        Assert.Equal(44, (int)Errno.NoEnt);
        Assert.Equal(52, (int)Errno.NoSys);
        Assert.Equal(58, (int)Errno.NotSup);
        Assert.Equal(76, (int)Errno.NotCapable);
        Assert.Equal(1UL << 29, (ulong)Rights.SockAccept);
    }

    [Fact]
    public void EveryFunctionLinksWithItsWitxSignature()
    {
        using var g = NewGuest();
        Assert.Equal(46, WasiModule.Functions.Count);
        Assert.Equal(WasiModule.Functions.Order(), Guest.Signatures.Select(s => s.Name).Order());
    }

    [Fact]
    public void ArgsAndEnviron()
    {
        using var g = NewGuest(c => c.WithArguments("prog", "héllo").WithEnvironment("A", "1"));
        Assert.Equal(Errno.Success, g.Call("args_sizes_get", 0, 4));
        Assert.Equal(2u, g.U32(0));
        Assert.Equal(5u + 7u, g.U32(4)); // "prog\0" + "héllo\0" (é is two bytes)
        Assert.Equal(Errno.Success, g.Call("args_get", 100, 200));
        Assert.Equal(200u, g.U32(100));
        Assert.Equal(205u, g.U32(104));
        Assert.Equal("prog\0héllo\0", g.Text(200, 12));
        Assert.Equal(Errno.Success, g.Call("environ_sizes_get", 0, 4));
        Assert.Equal((1u, 4u), (g.U32(0), g.U32(4)));
        Assert.Equal(Errno.Success, g.Call("environ_get", 100, 200));
        Assert.Equal("A=1\0", g.Text(200, 4));
        Assert.Equal(Errno.Fault, g.Call("args_get", 65534, 200));
        Assert.Equal(Errno.Fault, g.Call("environ_get", 100, -1));
        Assert.Equal(Errno.Fault, g.Call("args_sizes_get", 65536, 0));
    }

    [Fact]
    public void Clocks()
    {
        using var g = NewGuest();
        for (int id = 0; id < 4; id++)
        {
            Assert.Equal(Errno.Success, g.Call("clock_res_get", id, 0));
            Assert.InRange(g.U64(0), 1UL, 1_000_000_000UL);
            Assert.Equal(Errno.Success, g.Call("clock_time_get", id, 1L, 8));
        }
        Assert.Equal(Errno.Success, g.Call("clock_time_get", 0, 0L, 8));
        ulong real = g.U64(8);
        ulong expected = (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        Assert.InRange(real, expected - 5_000_000_000, expected + 5_000_000_000);
        Assert.Equal(Errno.Success, g.Call("clock_time_get", 1, 0L, 8));
        ulong a = g.U64(8);
        Assert.Equal(Errno.Success, g.Call("clock_time_get", 1, 0L, 8));
        Assert.True(g.U64(8) >= a);
        Assert.Equal(Errno.Inval, g.Call("clock_time_get", 4, 0L, 8));
        Assert.Equal(Errno.Inval, g.Call("clock_res_get", -1, 0));
        Assert.Equal(Errno.Fault, g.Call("clock_time_get", 0, 0L, 65530));
    }

    [Fact]
    public void RandomGetFillsTheBuffer()
    {
        using var g = NewGuest();
        Assert.Equal(Errno.Success, g.Call("random_get", 0, 64));
        Assert.Contains(g.Memory[..64].ToArray(), b => b != 0);
        Assert.Equal(Errno.Success, g.Call("random_get", 65536, 0));
        Assert.Equal(Errno.Fault, g.Call("random_get", 65500, 100));
    }

    [Fact]
    public void StdioWritesAndReads()
    {
        using var g = NewGuest(stdin: "input");
        Assert.Equal((Errno.Success, 5u), g.Write(1, "hello"));
        Assert.Equal((Errno.Success, 3u), g.Write(2, "err"));
        Assert.Equal("hello", Encoding.UTF8.GetString(_stdout.ToArray()));
        Assert.Equal("err", Encoding.UTF8.GetString(_stderr.ToArray()));
        Assert.Equal((Errno.Success, "input"), g.Read(0));
        Assert.Equal((Errno.Success, ""), g.Read(0)); // end of file
        Assert.Equal(Errno.NotCapable, g.Write(0, "x").Item1); // stdin is not writable
        Assert.Equal(Errno.NotCapable, g.Read(1).Item1);
        // Two iovecs in one call.
        g.Put(Guest.Data + 100, "ab");
        g.Put(Guest.Data + 200, "cd");
        g.SetU32(Guest.Data, Guest.Data + 100);
        g.SetU32(Guest.Data + 4, 2);
        g.SetU32(Guest.Data + 8, Guest.Data + 200);
        g.SetU32(Guest.Data + 12, 2);
        Assert.Equal(Errno.Success, g.Call("fd_write", 1, Guest.Data, 2, Guest.Out));
        Assert.Equal(4u, g.U32(Guest.Out));
        Assert.EndsWith("abcd", Encoding.UTF8.GetString(_stdout.ToArray()));
    }

    [Fact]
    public void BadPointersAreEfaultAndNothingIsWritten()
    {
        using var g = NewGuest();
        g.SetU32(Guest.Data, 65530);
        g.SetU32(Guest.Data + 4, 100); // iovec runs past the end of memory
        Assert.Equal(Errno.Fault, g.Call("fd_write", 1, Guest.Data, 1, Guest.Out));
        Assert.Equal(Errno.Fault, g.Call("fd_write", 1, 65532, 1, Guest.Out)); // iovec array itself
        Assert.Equal(Errno.Fault, g.Call("fd_write", 1, Guest.Data, 0x2000_0000, Guest.Out)); // count * 8 overflows memory
        Assert.Empty(_stdout.ToArray());
        Assert.Equal(Errno.Fault, g.Call("fd_fdstat_get", 1, 65530));
        Assert.Equal(Errno.Fault, g.Call("fd_filestat_get", Root, -8));
        Assert.Equal(Errno.Fault, g.Call("path_open", Root, 0, 65530, 100, 0, 0L, 0L, 0, 0));
        Assert.Equal(Errno.Fault, g.Call("fd_prestat_dir_name", Root, 65535, 10));
        Assert.Equal(Errno.Fault, g.Call("poll_oneoff", 65500, 0, 1, 0));
    }

    [Fact]
    public void ClosedAndUnknownDescriptorsAreEbadf()
    {
        using var g = NewGuest();
        File.WriteAllText(Host("f"), "x");
        var (_, fd) = g.Open(Root, "f");
        Assert.Equal(Errno.Success, g.Call("fd_close", fd));
        Assert.Equal(Errno.BadF, g.Call("fd_close", fd));
        Assert.Equal(Errno.BadF, g.Read(fd).Item1);
        Assert.Equal(Errno.BadF, g.Write(fd, "x").Item1);
        Assert.Equal(Errno.BadF, g.Call("fd_fdstat_get", fd, 0));
        Assert.Equal(Errno.BadF, g.Call("fd_seek", fd, 0L, 0, 0));
        Assert.Equal(Errno.BadF, g.Call("fd_prestat_get", 99, 0));
        Assert.Equal(Errno.BadF, g.Call("fd_prestat_get", -1, 0));
        Assert.Equal(Errno.BadF, g.Call("fd_prestat_get", 1, 0)); // stdout is not a preopen
        Assert.Equal(Errno.BadF, g.PathCall("path_create_directory", 42, "d"));
        Assert.Equal(Errno.BadF, g.Call("fd_renumber", 42, 1));
    }

    [Fact]
    public void Prestat()
    {
        using var g = NewGuest();
        Assert.Equal(Errno.Success, g.Call("fd_prestat_get", Root, 0));
        Assert.Equal(0, g.Memory[0]); // preopentype dir
        Assert.Equal(5u, g.U32(4));   // "/work"
        Assert.Equal(Errno.NameTooLong, g.Call("fd_prestat_dir_name", Root, 100, 4));
        Assert.Equal(Errno.Success, g.Call("fd_prestat_dir_name", Root, 100, 5));
        Assert.Equal("/work", g.Text(100, 5));
        Assert.Equal(Errno.BadF, g.Call("fd_prestat_get", Root + 1, 0));
    }

    [Fact]
    public void FdstatLayoutAndRights()
    {
        using var g = NewGuest();
        Assert.Equal(Errno.Success, g.Call("fd_fdstat_get", Root, 0));
        Assert.Equal((byte)FileType.Directory, g.Memory[0]);
        Assert.Equal(0, g.U16(2));
        Assert.Equal((ulong)RightSets.Directory, g.U64(8));
        var (e, fd) = g.Open(Root, "new.txt", OFlags.Creat, Rights.FdRead | Rights.FdWrite | Rights.FdSeek | Rights.FdTell, FdFlags.Append);
        Assert.Equal(Errno.Success, e);
        Assert.Equal(Errno.Success, g.Call("fd_fdstat_get", fd, 0));
        Assert.Equal((byte)FileType.RegularFile, g.Memory[0]);
        Assert.Equal((ushort)FdFlags.Append, g.U16(2));
        Assert.Equal((ulong)(Rights.FdRead | Rights.FdWrite | Rights.FdSeek | Rights.FdTell), g.U64(8));
        // Rights only shrink, and then are enforced.
        Assert.Equal(Errno.NotCapable, g.Call("fd_fdstat_set_rights", fd, (long)RightSets.All, 0L));
        Assert.Equal(Errno.Success, g.Call("fd_fdstat_set_rights", fd, (long)Rights.FdRead, 0L));
        Assert.Equal(Errno.NotCapable, g.Write(fd, "x").Item1);
        Assert.Equal(Errno.NotCapable, g.Call("fd_seek", fd, 1L, 0, 0));
        Assert.Equal(Errno.NotCapable, g.Call("fd_fdstat_set_flags", fd, 0));
    }

    [Fact]
    public void FileReadWriteSeekTellPreadPwrite()
    {
        using var g = NewGuest();
        var (e, fd) = g.Open(Root, "data.bin", OFlags.Creat | OFlags.Excl);
        Assert.Equal(Errno.Success, e);
        Assert.Equal(Errno.Exist, g.Open(Root, "data.bin", OFlags.Creat | OFlags.Excl).Item1);
        Assert.Equal((Errno.Success, 11u), g.Write(fd, "hello world"));
        Assert.Equal(Errno.Success, g.Call("fd_tell", fd, 0));
        Assert.Equal(11UL, g.U64(0));
        Assert.Equal(Errno.Success, g.Call("fd_seek", fd, -5L, (int)Whence.End, 0));
        Assert.Equal(6UL, g.U64(0));
        Assert.Equal((Errno.Success, "world"), g.Read(fd));
        Assert.Equal(Errno.Inval, g.Call("fd_seek", fd, -100L, (int)Whence.Cur, 0));
        Assert.Equal(Errno.Inval, g.Call("fd_seek", fd, 0L, 3, 0));
        // pwrite and pread do not move the offset.
        g.Put(Guest.Data + 64, "HELLO");
        g.SetU32(Guest.Data, Guest.Data + 64);
        g.SetU32(Guest.Data + 4, 5);
        Assert.Equal(Errno.Success, g.Call("fd_pwrite", fd, Guest.Data, 1, 0L, Guest.Out));
        Assert.Equal(5u, g.U32(Guest.Out));
        g.SetU32(Guest.Data + 4, 4);
        Assert.Equal(Errno.Success, g.Call("fd_pread", fd, Guest.Data, 1, 7L, Guest.Out));
        Assert.Equal("orld", g.Text(Guest.Data + 64, (int)g.U32(Guest.Out)));
        Assert.Equal(Errno.Success, g.Call("fd_tell", fd, 0));
        Assert.Equal(11UL, g.U64(0));
        Assert.Equal("HELLO world", File.ReadAllText(Host("data.bin")));
        Assert.Equal(Errno.Success, g.Call("fd_sync", fd));
        Assert.Equal(Errno.Success, g.Call("fd_datasync", fd));
        Assert.Equal(Errno.Success, g.Call("fd_advise", fd, 0L, 0L, (int)Advice.Sequential));
        Assert.Equal(Errno.Inval, g.Call("fd_advise", fd, 0L, 0L, 6));
        Assert.Equal(Errno.Success, g.Call("fd_allocate", fd, 0L, 100L));
        Assert.Equal(100, new FileInfo(Host("data.bin")).Length);
        // Streams cannot seek.
        Assert.Equal(Errno.NotCapable, g.Call("fd_seek", 1, 0L, 0, 0));
        Assert.Equal(Errno.NotCapable, g.Call("fd_pread", 0, Guest.Data, 1, 0L, Guest.Out));
    }

    [Fact]
    public void OpenFlagsTruncateAppendDirectory()
    {
        File.WriteAllText(Host("t.txt"), "0123456789");
        Directory.CreateDirectory(Host("d"));
        using var g = NewGuest();
        var (_, fd) = g.Open(Root, "t.txt", OFlags.Trunc, Rights.FdWrite | Rights.FdRead);
        Assert.Equal("", File.ReadAllText(Host("t.txt")));
        g.Write(fd, "ab");
        var (_, ap) = g.Open(Root, "t.txt", 0, Rights.FdWrite | Rights.FdFdstatSetFlags, FdFlags.Append);
        g.Write(ap, "cd");
        Assert.Equal("abcd", File.ReadAllText(Host("t.txt")));
        Assert.Equal(Errno.NotDir, g.Open(Root, "t.txt", OFlags.Directory).Item1);
        Assert.Equal(Errno.NotDir, g.Open(Root, "t.txt/").Item1);
        Assert.Equal(Errno.IsDir, g.Open(Root, "d", 0, Rights.FdWrite).Item1);
        Assert.Equal(Errno.NoEnt, g.Open(Root, "missing").Item1);
        Assert.Equal(Errno.NoEnt, g.Open(Root, "").Item1);
        Assert.Equal(Errno.Inval, g.Call("path_open", Root, 0, Guest.PathA, 1, 0x10, 0L, 0L, 0, 0)); // unknown oflag
        Assert.Equal(Errno.NotCapable, g.Open(1, "x").Item1); // rights are checked first: stdout has no path_open
        Assert.Equal(Errno.Success, g.Call("fd_fdstat_set_flags", ap, 0));
        Assert.Equal(Errno.Success, g.Call("fd_fdstat_get", ap, 0));
        Assert.Equal(0, g.U16(2));
        Assert.Equal(Errno.NotSup, g.Call("fd_fdstat_set_flags", ap, (int)FdFlags.Sync));
    }

    [Fact]
    public void FilestatLayoutSizeAndTimes()
    {
        File.WriteAllText(Host("s.txt"), "12345");
        using var g = NewGuest();
        int len = g.Put(Guest.PathA, "s.txt");
        Assert.Equal(Errno.Success, g.Call("path_filestat_get", Root, 0, Guest.PathA, len, 0));
        Assert.Equal((byte)FileType.RegularFile, g.Memory[16]);
        Assert.Equal(1UL, g.U64(24)); // nlink
        Assert.Equal(5UL, g.U64(32)); // size
        Assert.NotEqual(0UL, g.U64(8)); // ino
        var (_, fd) = g.Open(Root, "s.txt", 0, RightSets.RegularFile);
        Assert.Equal(Errno.Success, g.Call("fd_filestat_set_size", fd, 2L));
        Assert.Equal(Errno.Success, g.Call("fd_filestat_get", fd, 100));
        Assert.Equal(2UL, g.U64(132));
        long when = 1_000_000_000L * 1_600_000_000 + 123;
        Assert.Equal(Errno.Success, g.Call("fd_filestat_set_times", fd, when, when, (int)(FstFlags.Atim | FstFlags.Mtim)));
        Assert.Equal(Errno.Success, g.Call("fd_filestat_get", fd, 100));
        Assert.Equal((ulong)when, g.U64(148)); // mtim
        Assert.Equal((ulong)when, g.U64(140)); // atim
        Assert.Equal(Errno.Inval, g.Call("fd_filestat_set_times", fd, 0L, 0L, (int)(FstFlags.Atim | FstFlags.AtimNow)));
        Assert.Equal(Errno.Success, g.Call("path_filestat_set_times", Root, 0, Guest.PathA, len, 0L, 0L, (int)FstFlags.MtimNow));
        Assert.InRange(File.GetLastWriteTimeUtc(Host("s.txt")), DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(Errno.Inval, g.Call("fd_filestat_set_size", fd, -1L));
    }

    [Fact]
    public void DirectoriesLinksRenameUnlink()
    {
        using var g = NewGuest();
        Assert.Equal(Errno.Success, g.PathCall("path_create_directory", Root, "a"));
        Assert.Equal(Errno.Exist, g.PathCall("path_create_directory", Root, "a"));
        Assert.True(Directory.Exists(Host("a")));
        File.WriteAllText(Host("a/f"), "x");
        Assert.Equal(Errno.NotEmpty, g.PathCall("path_remove_directory", Root, "a"));
        Assert.Equal(Errno.IsDir, g.PathCall("path_unlink_file", Root, "a"));
        Assert.Equal(Errno.NotDir, g.PathCall("path_remove_directory", Root, "a/f"));

        int a = g.Put(Guest.PathA, "a/f"), b = g.Put(Guest.PathB, "g");
        Assert.Equal(Errno.Success, g.Call("path_rename", Root, Guest.PathA, a, Root, Guest.PathB, b));
        Assert.True(File.Exists(Host("g")));
        Assert.Equal(Errno.NoEnt, g.Call("path_rename", Root, Guest.PathA, a, Root, Guest.PathB, b));
        a = g.Put(Guest.PathA, "g");
        b = g.Put(Guest.PathB, "h");
        Assert.Equal(Errno.Success, g.Call("path_link", Root, 0, Guest.PathA, a, Root, Guest.PathB, b));
        Assert.Equal(Errno.Exist, g.Call("path_link", Root, 0, Guest.PathA, a, Root, Guest.PathB, b));
        a = g.Put(Guest.PathA, "g");
        b = g.Put(Guest.PathB, "a/link");
        Assert.Equal(Errno.Success, g.Call("path_symlink", Guest.PathA, a, Root, Guest.PathB, b)); // "g" from a/ is a/g: dangling, inside
        a = g.Put(Guest.PathA, "../g");
        b = g.Put(Guest.PathB, "a/up");
        Assert.Equal(Errno.Success, g.Call("path_symlink", Guest.PathA, a, Root, Guest.PathB, b));
        a = g.Put(Guest.PathA, "a/up");
        Assert.Equal(Errno.Success, g.Call("path_readlink", Root, Guest.PathA, a, 500, 64, Guest.Out));
        Assert.Equal("../g", g.Text(500, (int)g.U32(Guest.Out)));
        Assert.Equal(Errno.Success, g.Call("path_readlink", Root, Guest.PathA, a, 500, 2, Guest.Out));
        Assert.Equal(2u, g.U32(Guest.Out)); // cut short, as readlink(2)
        Assert.Equal((Errno.Success, "x"), g.Read(g.Open(Root, "a/up").Item2));
        // Links are stat'ed as links unless following is asked for.
        Assert.Equal(Errno.Success, g.Call("path_filestat_get", Root, 0, Guest.PathA, a, 0));
        Assert.Equal((byte)FileType.SymbolicLink, g.Memory[16]);
        Assert.Equal(Errno.Success, g.Call("path_filestat_get", Root, 1, Guest.PathA, a, 0));
        Assert.Equal((byte)FileType.RegularFile, g.Memory[16]);
        Assert.Equal(Errno.Inval, ReadlinkOf(g, "g")); // not a link
        Assert.Equal(Errno.Success, g.PathCall("path_unlink_file", Root, "a/up"));
        Assert.Equal(Errno.Success, g.PathCall("path_unlink_file", Root, "a/link"));
        Assert.Equal(Errno.Success, g.PathCall("path_remove_directory", Root, "a"));
        Assert.Equal(Errno.Success, g.PathCall("path_unlink_file", Root, "h"));
        Assert.Equal(Errno.NoEnt, g.PathCall("path_unlink_file", Root, "h"));
        Assert.Equal(new[] { "g" }, Directory.GetFileSystemEntries(_dir.FullName).Select(Path.GetFileName));
    }

    private static Errno ReadlinkOf(Guest g, string path)
    {
        int len = g.Put(Guest.PathA, path);
        return g.Call("path_readlink", Root, Guest.PathA, len, 500, 64, Guest.Out);
    }

    [Fact]
    public void ReaddirWithCookiesOverManyEntries()
    {
        for (int i = 0; i < 500; i++) File.WriteAllText(Host($"entry{i:D3}"), "");
        using var g = NewGuest(configure: null);
        var (_, dir) = g.Open(Root, ".", OFlags.Directory);
        var names = new List<string>();
        long cookie = 0;
        const int Buffer = 20000, Size = 300; // small buffer: many calls, entries cut at its end
        while (true)
        {
            Assert.Equal(Errno.Success, g.Call("fd_readdir", dir, Buffer, Size, cookie, Guest.Out));
            int used = (int)g.U32(Guest.Out);
            int at = 0;
            while (at + 24 <= used)
            {
                ulong next = g.U64(Buffer + at);
                int namlen = (int)g.U32(Buffer + at + 16);
                if (at + 24 + namlen > used) break;
                names.Add(g.Text(Buffer + at + 24, namlen));
                Assert.Equal(g.Text(Buffer + at + 24, namlen).StartsWith("entry") ? (byte)FileType.RegularFile : (byte)FileType.Directory, g.Memory[Buffer + at + 20]);
                cookie = (long)next;
                at += 24 + namlen;
            }
            if (used < Size) break;
        }
        Assert.Equal(502, names.Count);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Contains(".", names);
        Assert.Contains("..", names);
        Assert.Equal(Errno.NotCapable, g.Call("fd_readdir", 1, Buffer, Size, 0L, Guest.Out));
    }

    [Fact]
    public void Renumber()
    {
        File.WriteAllText(Host("r"), "renumbered");
        using var g = NewGuest();
        var (_, a) = g.Open(Root, "r");
        var (_, b) = g.Open(Root, "r");
        Assert.Equal(Errno.Success, g.Call("fd_renumber", a, b));
        Assert.Equal(Errno.BadF, g.Read(a).Item1);
        Assert.Equal((Errno.Success, "renumbered"), g.Read(b));
        Assert.Equal(Errno.BadF, g.Call("fd_renumber", b, 77));
    }

    [Fact]
    public void ReadOnlyPreopenRefusesChanges()
    {
        File.WriteAllText(Host("ro.txt"), "read me");
        using var g = new Guest(new WasiConfiguration { Preopens = { WasiPreopen.ReadOnly(_dir.FullName, "/ro") } });
        Assert.Equal(Errno.NotCapable, g.Open(Root, "ro.txt", 0, Rights.FdWrite).Item1);
        Assert.Equal(Errno.NotCapable, g.Open(Root, "new", OFlags.Creat, Rights.FdRead).Item1);
        Assert.Equal(Errno.NotCapable, g.PathCall("path_create_directory", Root, "d"));
        Assert.Equal(Errno.NotCapable, g.PathCall("path_unlink_file", Root, "ro.txt"));
        var (e, fd) = g.Open(Root, "ro.txt", 0, RightSets.All & ~Rights.FdWrite);
        Assert.Equal(Errno.Success, e);
        Assert.Equal((Errno.Success, "read me"), g.Read(fd));
        Assert.Equal(Errno.NotCapable, g.Call("fd_filestat_set_size", fd, 0L));
        Assert.Equal("read me", File.ReadAllText(Host("ro.txt")));
    }

    [Fact]
    public void PollClockTimeoutAndReadyDescriptors()
    {
        using var g = NewGuest();
        // One relative clock subscription of 30 ms.
        g.Memory[..48].Clear();
        g.SetU64(0, 0xabc);
        g.Memory[8] = (byte)EventType.Clock;
        g.SetU32(16, (uint)ClockId.Monotonic);
        g.SetU64(24, 30_000_000);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(Errno.Success, g.Call("poll_oneoff", 0, 1000, 1, Guest.Out));
        Assert.True(watch.ElapsedMilliseconds >= 29, $"{watch.ElapsedMilliseconds} ms");
        Assert.Equal(1u, g.U32(Guest.Out));
        Assert.Equal(0xabcUL, g.U64(1000));
        Assert.Equal(0, g.U16(1008));
        Assert.Equal((byte)EventType.Clock, g.Memory[1010]);

        // A clock of an hour and a ready descriptor (stdout stream): only the descriptor fires.
        g.SetU64(24, 3_600_000_000_000);
        g.Memory[48..96].Clear();
        g.SetU64(48, 7);
        g.Memory[56] = (byte)EventType.FdWrite;
        g.SetU32(64, 1);
        Assert.Equal(Errno.Success, g.Call("poll_oneoff", 0, 1000, 2, Guest.Out));
        Assert.Equal(1u, g.U32(Guest.Out));
        Assert.Equal(7UL, g.U64(1000));
        Assert.Equal((byte)EventType.FdWrite, g.Memory[1010]);

        // A closed descriptor is reported in its event; no subscriptions at all is EINVAL.
        g.SetU32(64, 99);
        Assert.Equal(Errno.Success, g.Call("poll_oneoff", 48, 1000, 1, Guest.Out));
        Assert.Equal((ushort)Errno.BadF, g.U16(1008));
        Assert.Equal(Errno.Inval, g.Call("poll_oneoff", 0, 1000, 0, Guest.Out));

        // An absolute realtime deadline already past fires at once.
        g.SetU32(16, (uint)ClockId.Realtime);
        g.SetU64(24, 1);
        g.SetU32(40, (uint)SubclockFlags.Abstime);
        Assert.Equal(Errno.Success, g.Call("poll_oneoff", 0, 1000, 1, Guest.Out));
        Assert.Equal(1u, g.U32(Guest.Out));
    }

    [Fact]
    public void ProcExitUnwindsWithTheCode()
    {
        using var g = NewGuest();
        var exit = Assert.Throws<WasiExit>(() => g.Call("proc_exit", 3));
        Assert.Equal(3, exit.Code);
        Assert.Equal(0, exit.Signal);
        Assert.Equal(Errno.Success, g.Call("sched_yield"));
    }

    /// <summary>Witx signal numbers in, Linux signal numbers out (signal(7): SIGABRT 6, SIGTERM 15,
    /// SIGXCPU 24, SIGSYS 31 on x86 and arm), exit status 128 + that number as a shell reports.</summary>
    [Theory]
    [InlineData(6, 6)]    // abrt
    [InlineData(9, 9)]    // kill
    [InlineData(15, 15)]  // term
    [InlineData(23, 24)]  // xcpu
    [InlineData(28, 29)]  // poll (SIGIO)
    [InlineData(30, 31)]  // sys
    public void ProcRaiseOfATerminatingSignalEndsTheProgramAsThatSignal(int witx, int posix)
    {
        using var g = NewGuest();
        var exit = Assert.Throws<WasiExit>(() => g.Call("proc_raise", witx));
        Assert.Equal((posix, 128 + posix), (exit.Signal, exit.Code));
    }

    [Theory]
    [InlineData(0)]   // none
    [InlineData(13)]  // pipe
    [InlineData(16)]  // chld
    [InlineData(17)]  // cont
    [InlineData(18)]  // stop
    [InlineData(22)]  // urg
    [InlineData(27)]  // winch
    public void ProcRaiseOfAnIgnoredOrStopSignalReturns(int witx)
    {
        using var g = NewGuest();
        Assert.Equal(Errno.Success, g.Call("proc_raise", witx));
    }

    [Fact]
    public void ProcRaiseOfAnUnknownSignalIsInval()
    {
        using var g = NewGuest();
        Assert.Equal(Errno.Inval, g.Call("proc_raise", 31));
        Assert.Equal(Errno.Inval, g.Call("proc_raise", -1));
    }

    [Fact]
    public void LimitsBoundDescriptorsAndOutput()
    {
        File.WriteAllText(Host("f"), "");
        using var g = NewGuest(c => c.Limits = new WasiLimits { MaxOpenDescriptors = 6, MaxStdoutBytes = 10 });
        Assert.Equal(Errno.Success, g.Open(Root, "f").Item1);
        Assert.Equal(Errno.Success, g.Open(Root, "f").Item1);
        Assert.Equal(Errno.MFile, g.Open(Root, "f").Item1);
        Assert.Equal((Errno.Success, 8u), g.Write(1, "12345678"));
        Assert.Equal((Errno.Success, 2u), g.Write(1, "abcd"));
        Assert.Equal(Errno.FBig, g.Write(1, "x").Item1);
        Assert.Equal("12345678ab", Encoding.UTF8.GetString(_stdout.ToArray()));
    }

    [Fact]
    public void SocketsAcceptReceiveSendShutdown()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var g = NewGuest(c => c.ListeningSockets.Add(listener));
        int sock = Root + 1;
        Assert.Equal(Errno.Success, g.Call("fd_fdstat_get", sock, 0));
        Assert.Equal((byte)FileType.SocketStream, g.Memory[0]);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        client.Send("ping"u8);
        Assert.Equal(Errno.Success, g.Call("sock_accept", sock, 0, Guest.Out));
        int conn = (int)g.U32(Guest.Out);
        g.SetU32(Guest.Data, Guest.Data + 64);
        g.SetU32(Guest.Data + 4, 4);
        Assert.Equal(Errno.Success, g.Call("sock_recv", conn, Guest.Data, 1, (int)RiFlags.RecvWaitall, Guest.Out, Guest.Out + 4));
        Assert.Equal((4u, "ping"), (g.U32(Guest.Out), g.Text(Guest.Data + 64, 4)));
        g.Put(Guest.Data + 64, "pong");
        Assert.Equal(Errno.Success, g.Call("sock_send", conn, Guest.Data, 1, 0, Guest.Out));
        var reply = new byte[4];
        Assert.Equal(4, client.Receive(reply));
        Assert.Equal("pong", Encoding.UTF8.GetString(reply));
        Assert.Equal(Errno.Success, g.Call("sock_shutdown", conn, (int)SdFlags.Wr));
        Assert.Equal(0, client.Receive(reply)); // the guest's side closed for writing
        Assert.Equal(Errno.Inval, g.Call("sock_shutdown", conn, 0));
        // Stdout is not a socket, whatever its rights; a connection is one without sock_accept.
        Assert.Equal(Errno.NotSock, g.Call("sock_accept", 1, 0, Guest.Out));
        Assert.Equal(Errno.NotCapable, g.Call("sock_accept", conn, 0, Guest.Out));
        Assert.Equal(Errno.Success, g.Call("fd_fdstat_set_flags", sock, (int)FdFlags.NonBlock));
        Assert.Equal(Errno.Again, g.Call("sock_accept", sock, 0, Guest.Out));
    }

    /// <summary>wasi-testsuite's path_open_preopen: a directory opened with fd_write asked for is
    /// ISDIR, with O_DIRECTORY or without, as open(2) answers O_RDWR on a directory.</summary>
    [Fact]
    public void OpeningADirectoryForWritingIsIsdir()
    {
        using var g = NewGuest();
        Directory.CreateDirectory(Host("sub"));
        const Rights list = Rights.FdReaddir | Rights.FdFilestatGet;
        Assert.Equal(Errno.IsDir, g.Open(Root, ".", OFlags.Directory, list | Rights.FdWrite).Item1);
        Assert.Equal(Errno.IsDir, g.Open(Root, "sub", OFlags.Directory, Rights.FdWrite).Item1);
        Assert.Equal(Errno.IsDir, g.Open(Root, "sub", 0, list | Rights.FdWrite).Item1);
        Assert.Equal(Errno.IsDir, g.Open(Root, ".", 0, Rights.FdRead | Rights.FdWrite).Item1);
        // Without fd_write the same opens succeed and list the directory.
        var (e, dir) = g.Open(Root, ".", OFlags.Directory, list);
        Assert.Equal(Errno.Success, e);
        Assert.Equal(Errno.Success, g.Call("fd_readdir", dir, Guest.Data, 512, 0L, Guest.Out));
        Assert.True(g.U32(Guest.Out) > 0);
    }

    /// <summary>What the descriptor is comes before what it may do: every sock_* function on a
    /// descriptor that is not a socket is NOTSOCK (wasi-testsuite's sock_shutdown and sock_recv
    /// cases on a regular file), whatever rights it holds or lacks.</summary>
    [Fact]
    public void SocketFunctionsOnANonSocketAreNotsock()
    {
        using var g = NewGuest();
        File.WriteAllText(Host("file"), "data");
        var (e, file) = g.Open(Root, "file", 0, Rights.FdRead | Rights.FdWrite);
        Assert.Equal(Errno.Success, e);
        g.SetU32(Guest.Data, Guest.Data + 64);
        g.SetU32(Guest.Data + 4, 4);
        foreach (int fd in new[] { file, Root, 0, 1 })
        {
            Assert.Equal(Errno.NotSock, g.Call("sock_shutdown", fd, (int)SdFlags.Wr));
            Assert.Equal(Errno.NotSock, g.Call("sock_shutdown", fd, (int)(SdFlags.Rd | SdFlags.Wr)));
            Assert.Equal(Errno.NotSock, g.Call("sock_accept", fd, 0, Guest.Out));
            Assert.Equal(Errno.NotSock, g.Call("sock_recv", fd, Guest.Data, 1, 0, Guest.Out, Guest.Out + 4));
            Assert.Equal(Errno.NotSock, g.Call("sock_send", fd, Guest.Data, 1, 0, Guest.Out));
        }
        // A closed descriptor is still BADF first.
        Assert.Equal(Errno.BadF, g.Call("sock_shutdown", 99, (int)SdFlags.Wr));
        Assert.Equal("data", File.ReadAllText(Host("file")));
    }

    [Fact]
    public void ATrapInTheGuestIsStillATrap()
    {
        // Host functions catch only their own errors: an out-of-bounds access in the guest traps.
        using var g = NewGuest();
        var engine = new Engine();
        var module = Module.FromText(engine, """
            (module (import "wasi_snapshot_preview1" "sched_yield" (func $y (result i32)))
              (memory 1) (func (export "_start") (drop (call $y)) (drop (i32.load (i32.const 70000)))))
            """);
        var instance = WasiModule.Define(new Linker(), g.Context).Instantiate(new Store(engine), module);
        Assert.Equal(TrapKind.MemoryOutOfBounds, Assert.Throws<WasmTrap>(() => instance.GetFunc("_start")!.Invoke()).Kind);
    }
}
