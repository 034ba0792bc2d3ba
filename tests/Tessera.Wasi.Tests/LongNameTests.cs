using System.Text;
using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Tests;

/// <summary>
/// Every path-taking WASI function given a huge name: a single 8 MiB component (libc's open() or
/// stat() of it once overflowed the host's stack) and names just past Linux's PATH_MAX (4096 bytes
/// with the NUL, so 4095 is the longest path). Each call answers ENAMETOOLONG, as Linux answers
/// such a path, the host goes on, and nothing in the preopen or beside it changes.
/// </summary>
public sealed class LongNameTests : IDisposable
{
    private const int Root = 3;
    /// <summary>Where the long name goes: past Guest's fixed addresses, with 8 MiB after it.</summary>
    private const int Name = 64 * 1024;
    private const int Huge = 8 << 20;

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("tessera-longname-");
    private readonly string _sandbox;
    private readonly Guest _guest;

    public LongNameTests()
    {
        _sandbox = Directory.CreateDirectory(Path.Combine(_root.FullName, "sandbox")).FullName;
        File.WriteAllText(Path.Combine(_root.FullName, "outside.txt"), "outside");
        File.WriteAllText(Path.Combine(_sandbox, "f"), "file");
        Directory.CreateDirectory(Path.Combine(_sandbox, "d"));
        File.CreateSymbolicLink(Path.Combine(_sandbox, "l"), "f");
        // 8 MiB of name after 64 KiB of Guest's scratch space, in 64 KiB pages.
        _guest = new Guest(new WasiConfiguration().WithPreopen(_sandbox, "/sandbox"), pages: (Name + Huge) / 65536 + 1);
    }

    public void Dispose()
    {
        _guest.Dispose();
        _root.Delete(recursive: true);
    }

    /// <summary>Names, kinds, contents, link targets and times of the preopen and its parent.</summary>
    private string Snapshot() => string.Join("\n", Directory.EnumerateFileSystemEntries(_root.FullName, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(p => new FileInfo(p) is var i && i.LinkTarget is { } t ? $"{p} -> {t}"
            : $"{p} {(File.Exists(p) ? File.ReadAllText(p) : "dir")} {i.LastWriteTimeUtc.Ticks}"));

    /// <summary>Each function with the long name (at <see cref="Name"/>, <c>n</c> bytes) in one of
    /// its path arguments and an existing name ("f", a short one at Guest.PathA) in any other.</summary>
    public static TheoryData<string, int> Calls()
    {
        var rows = new TheoryData<string, int>();
        foreach (var call in Callers.Keys)
        {
            foreach (int length in new[] { 4096, 4097, Huge }) rows.Add(call, length);
        }
        return rows;
    }

    private static readonly Dictionary<string, Func<Guest, int, Errno>> Callers = new()
    {
        ["path_open"] = (g, n) => g.Call("path_open", Root, 0, Name, n, 0, (long)Rights.FdRead, 0L, 0, Guest.Out),
        ["path_open follow"] = (g, n) => g.Call("path_open", Root, 1, Name, n, 0, (long)Rights.FdRead, 0L, 0, Guest.Out),
        ["path_open creat"] = (g, n) => g.Call("path_open", Root, 1, Name, n, (int)OFlags.Creat, (long)(Rights.FdRead | Rights.FdWrite), 0L, 0, Guest.Out),
        ["path_filestat_get"] = (g, n) => g.Call("path_filestat_get", Root, 0, Name, n, Guest.Out),
        ["path_filestat_get follow"] = (g, n) => g.Call("path_filestat_get", Root, 1, Name, n, Guest.Out),
        ["path_filestat_set_times"] = (g, n) => g.Call("path_filestat_set_times", Root, 0, Name, n, 0L, 0L, (int)(FstFlags.AtimNow | FstFlags.MtimNow)),
        ["path_create_directory"] = (g, n) => g.Call("path_create_directory", Root, Name, n),
        ["path_remove_directory"] = (g, n) => g.Call("path_remove_directory", Root, Name, n),
        ["path_unlink_file"] = (g, n) => g.Call("path_unlink_file", Root, Name, n),
        ["path_rename from"] = (g, n) => g.Call("path_rename", Root, Name, n, Root, Guest.PathA, g.Put(Guest.PathA, "g")),
        ["path_rename to"] = (g, n) => g.Call("path_rename", Root, Guest.PathA, g.Put(Guest.PathA, "f"), Root, Name, n),
        ["path_link from"] = (g, n) => g.Call("path_link", Root, 0, Name, n, Root, Guest.PathA, g.Put(Guest.PathA, "g")),
        ["path_link to"] = (g, n) => g.Call("path_link", Root, 0, Guest.PathA, g.Put(Guest.PathA, "f"), Root, Name, n),
        ["path_symlink target"] = (g, n) => g.Call("path_symlink", Name, n, Root, Guest.PathA, g.Put(Guest.PathA, "s")),
        ["path_symlink name"] = (g, n) => g.Call("path_symlink", Guest.PathA, g.Put(Guest.PathA, "f"), Root, Name, n),
        ["path_readlink"] = (g, n) => g.Call("path_readlink", Root, Name, n, Guest.Data, 256, Guest.Out),
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void AHugeNameIsNameTooLongAndChangesNothing(string call, int length)
    {
        _guest.Memory.Slice(Name, length).Fill((byte)'a');
        string before = Snapshot();
        Assert.Equal(Errno.NameTooLong, Callers[call](_guest, length));
        Assert.Equal(before, Snapshot());
        // The guest and its descriptors still work after the refusal.
        Assert.Equal(Errno.Success, _guest.Call("path_filestat_get", Root, 0, Guest.PathA, _guest.Put(Guest.PathA, "f"), Guest.Out));
    }

    /// <summary>The cap is PATH_MAX exactly: "." then slashes then "f" names the file at 4095
    /// bytes and is refused at 4096, for a path walked by the sandbox and for a link's target.</summary>
    [Fact]
    public void TheLongestPathLinuxTakesStillWorks()
    {
        int Put(string path) => Encoding.ASCII.GetBytes(path, _guest.Memory[Name..]);
        int n = Put("." + new string('/', 4093) + "f");
        Assert.Equal(4095, n);
        Assert.Equal(Errno.Success, _guest.Call("path_filestat_get", Root, 0, Name, n, Guest.Out));
        Assert.Equal(4UL, _guest.U64(Guest.Out + 32)); // filestat.size of "file"
        n = Put("." + new string('/', 4094) + "f");
        Assert.Equal(Errno.NameTooLong, _guest.Call("path_filestat_get", Root, 0, Name, n, Guest.Out));

        // A link holding a 4095-byte target is made (Linux allows it) and read back whole.
        n = Put("." + new string('/', 4093) + "f");
        Assert.Equal(Errno.Success, _guest.Call("path_symlink", Name, n, Root, Guest.PathA, _guest.Put(Guest.PathA, "s")));
        Assert.Equal(Errno.Success, _guest.Call("path_readlink", Root, Guest.PathA, 1, Guest.Data, 8192, Guest.Out));
        Assert.Equal(4095u, _guest.U32(Guest.Out));
        // And followed: the sandbox walks it to "f".
        Assert.Equal(Errno.Success, _guest.Call("path_filestat_get", Root, 1, Guest.PathA, 1, Guest.Out));
        Assert.Equal(4UL, _guest.U64(Guest.Out + 32));
    }
}
