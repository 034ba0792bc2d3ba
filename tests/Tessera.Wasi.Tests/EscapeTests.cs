using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Tests;

/// <summary>
/// Attempts to leave the preopen. Each asserts the errno and that nothing outside the sandbox was
/// created, changed or removed: the directory next to the sandbox (holding a secret) is
/// fingerprinted before and compared after.
/// </summary>
public sealed class EscapeTests : IDisposable
{
    private readonly SandboxTree _tree = new("tessera-escape-");
    private readonly string _sandbox, _outside;
    private readonly Guest _guest;
    private const int Root = 3;

    public EscapeTests() => (_sandbox, _outside, _guest) = (_tree.Sandbox, _tree.Outside, _tree.Guest);

    public void Dispose() => _tree.Dispose();

    /// <summary>Names, sizes, contents and times of everything in the outside directory.</summary>
    private string Fingerprint() => string.Join("\n", Directory.EnumerateFileSystemEntries(_outside, "*", SearchOption.AllDirectories).Order()
        .Select(p => $"{p} {(File.Exists(p) ? File.ReadAllText(p) : "dir")} {File.GetLastWriteTimeUtc(p).Ticks}"));

    private void Attempt(Errno expected, Func<Guest, Errno> attempt)
    {
        string before = Fingerprint();
        Assert.Equal(expected, attempt(_guest));
        Assert.Equal(before, Fingerprint());
    }

    private void Link(string name, string target) => File.CreateSymbolicLink(Path.Combine(_sandbox, name), target);

    [Fact] public void DotDotFromThePreopen() => Attempt(Errno.NotCapable, g => g.Open(Root, "../outside/secret.txt").Item1);

    [Fact] public void DotDotChainThroughASubdirectory() => Attempt(Errno.NotCapable, g => g.Open(Root, "sub/../../outside/secret.txt").Item1);

    [Fact] public void ManyDotDots() => Attempt(Errno.NotCapable, g => g.Open(Root, "sub/./../sub/../../../../../../etc/passwd").Item1);

    [Fact] public void AbsolutePath() => Attempt(Errno.NotCapable, g => g.Open(Root, "/etc/passwd").Item1);

    [Fact] public void AbsolutePathToThePreopenItself() => Attempt(Errno.NotCapable, g => g.Open(Root, _sandbox + "/file.txt").Item1);

    [Fact]
    public void SymlinkToEtc()
    {
        Link("etc", "/etc");
        Attempt(Errno.NotCapable, g => g.Open(Root, "etc/passwd").Item1);
    }

    [Fact]
    public void SymlinkToTheOutsideDirectory()
    {
        Link("out", "../outside");
        Attempt(Errno.NotCapable, g => g.Open(Root, "out/secret.txt").Item1);
    }

    [Fact]
    public void SymlinkChainLeavingThePreopen()
    {
        Link("a", "b");
        Link("b", "sub/c");
        File.CreateSymbolicLink(Path.Combine(_sandbox, "sub", "c"), "../../outside/secret.txt");
        Attempt(Errno.NotCapable, g => g.Open(Root, "a").Item1);
        Attempt(Errno.NotCapable, g => FilestatFollow(g, "a"));
    }

    private static Errno FilestatFollow(Guest g, string path)
    {
        int len = g.Put(Guest.PathA, path);
        return g.Call("path_filestat_get", Root, 1, Guest.PathA, len, Guest.Out);
    }

    [Fact]
    public void SymlinkLoopIsELoop()
    {
        Link("l1", "l2");
        Link("l2", "l1");
        Attempt(Errno.Loop, g => g.Open(Root, "l1").Item1);
        Attempt(Errno.Loop, g => g.Open(Root, "l1/x").Item1);
    }

    [Fact]
    public void SymlinkToTheParentAsAnIntermediateComponent()
    {
        Link("up", "..");
        Attempt(Errno.NotCapable, g => g.Open(Root, "up/outside/secret.txt").Item1);
    }

    [Fact]
    public void NoFollowOpenOfALinkOutsideFailsWithoutReading()
    {
        Link("leak", "../outside/secret.txt");
        Attempt(Errno.Loop, g => g.Open(Root, "leak", follow: false).Item1);
    }

    [Fact]
    public void CreatingThroughADanglingLinkOutside()
    {
        Link("dangle", "../outside/created.txt");
        Attempt(Errno.NotCapable, g => g.Open(Root, "dangle", OFlags.Creat).Item1);
        Attempt(Errno.Loop, g => g.Open(Root, "dangle", OFlags.Creat, follow: false).Item1);
        Assert.False(File.Exists(Path.Combine(_outside, "created.txt")));
    }

    [Fact]
    public void RenameTargetOutside()
    {
        Attempt(Errno.NotCapable, g =>
        {
            int a = g.Put(Guest.PathA, "file.txt"), b = g.Put(Guest.PathB, "../outside/moved.txt");
            return g.Call("path_rename", Root, Guest.PathA, a, Root, Guest.PathB, b);
        });
        Assert.True(File.Exists(Path.Combine(_sandbox, "file.txt")));
    }

    [Fact]
    public void RenameSourceOutside() => Attempt(Errno.NotCapable, g =>
    {
        int a = g.Put(Guest.PathA, "../outside/secret.txt"), b = g.Put(Guest.PathB, "stolen.txt");
        return g.Call("path_rename", Root, Guest.PathA, a, Root, Guest.PathB, b);
    });

    [Fact]
    public void HardLinkToAFileOutside() => Attempt(Errno.NotCapable, g =>
    {
        int a = g.Put(Guest.PathA, "../outside/secret.txt"), b = g.Put(Guest.PathB, "hard.txt");
        return g.Call("path_link", Root, 0, Guest.PathA, a, Root, Guest.PathB, b);
    });

    [Fact]
    public void HardLinkCreatedOutside() => Attempt(Errno.NotCapable, g =>
    {
        int a = g.Put(Guest.PathA, "file.txt"), b = g.Put(Guest.PathB, "../outside/hard.txt");
        return g.Call("path_link", Root, 0, Guest.PathA, a, Root, Guest.PathB, b);
    });

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../outside/secret.txt")]
    [InlineData("sub/../../outside")]
    public void SymlinkWithATargetOutsideIsRefused(string target)
    {
        Attempt(Errno.NotCapable, g =>
        {
            int a = g.Put(Guest.PathA, target), b = g.Put(Guest.PathB, "evil");
            return g.Call("path_symlink", Guest.PathA, a, Root, Guest.PathB, b);
        });
        Assert.False(Path.Exists(Path.Combine(_sandbox, "evil")));
    }

    [Fact]
    public void SymlinkCreatedOutside() => Attempt(Errno.NotCapable, g =>
    {
        int a = g.Put(Guest.PathA, "file.txt"), b = g.Put(Guest.PathB, "../outside/link");
        return g.Call("path_symlink", Guest.PathA, a, Root, Guest.PathB, b);
    });

    [Fact]
    public void PathWithANulByte() => Attempt(Errno.Inval, g => g.Open(Root, "file.txt\0/../../outside/secret.txt").Item1);

    [Fact]
    public void DotDotFromAnOpenedSubdirectory()
    {
        var (e, sub) = _guest.Open(Root, "sub", OFlags.Directory);
        Assert.Equal(Errno.Success, e);
        // The descriptor is its own sandbox root: even the preopen above it is out of reach.
        Attempt(Errno.NotCapable, g => g.Open(sub, "../file.txt").Item1);
        Attempt(Errno.NotCapable, g => g.Open(sub, "../../outside/secret.txt").Item1);
    }

    [Fact] public void CreateDirectoryOutside() => Attempt(Errno.NotCapable, g => g.PathCall("path_create_directory", Root, "../outside/new"));

    [Fact] public void UnlinkOutside() => Attempt(Errno.NotCapable, g => g.PathCall("path_unlink_file", Root, "../outside/secret.txt"));

    [Fact] public void RemoveDirectoryOutside() => Attempt(Errno.NotCapable, g => g.PathCall("path_remove_directory", Root, "../outside"));

    [Fact]
    public void ReadlinkOutsideAndStatThroughALink()
    {
        Link("etc", "/etc");
        Attempt(Errno.NotCapable, g => FilestatFollow(g, "etc/passwd"));
        Attempt(Errno.NotCapable, g =>
        {
            int len = g.Put(Guest.PathA, "../outside/secret.txt");
            return g.Call("path_readlink", Root, Guest.PathA, len, Guest.Data, 64, Guest.Out);
        });
    }

    [Fact]
    public void SetTimesOutsideThroughALink()
    {
        Link("out", "../outside/secret.txt");
        Attempt(Errno.NotCapable, g =>
        {
            int len = g.Put(Guest.PathA, "out");
            return g.Call("path_filestat_set_times", Root, 1, Guest.PathA, len, 0L, 0L, (int)(FstFlags.Atim | FstFlags.Mtim));
        });
    }

    [Fact]
    public void LinksThatStayInsideStillWork()
    {
        Link("inner", "sub/../file.txt");
        var (e, fd) = _guest.Open(Root, "inner");
        Assert.Equal(Errno.Success, e);
        Assert.Equal((Errno.Success, "inside"), _guest.Read(fd));
        Assert.Equal(Errno.Success, _guest.Open(Root, "sub/..", OFlags.Directory).Item1);
    }
}
