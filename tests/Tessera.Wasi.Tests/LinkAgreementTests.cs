using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Tests;

/// <summary>
/// path_link of a symbolic link, without following it, makes a copy of the link; path_symlink
/// makes a link. The guest must not get by one what the other refuses: a link whose target is
/// absolute or climbs above the descriptor it is made through is NotCapable both ways (docs/wasi.md,
/// path_symlink), judged where the new link lands. The links linked here are planted by the host,
/// since the guest cannot make them.
/// </summary>
public sealed class LinkAgreementTests : IDisposable
{
    private const int Root = 3;
    private readonly SandboxTree _tree = new("tessera-linkcopy-");
    private readonly string _sandbox, _outside;
    private readonly Guest _guest;

    public LinkAgreementTests() => (_sandbox, _outside, _guest) = (_tree.Sandbox, _tree.Outside, _tree.Guest);

    public void Dispose() => _tree.Dispose();

    private string Outside() => string.Join("\n", Directory.EnumerateFileSystemEntries(_outside, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        .Select(p => $"{p} {File.ReadAllText(p)} {File.GetLastWriteTimeUtc(p).Ticks}"));

    /// <summary>The host plants <paramref name="planted"/> (a path in the sandbox) holding
    /// <paramref name="target"/>; the guest links it, unfollowed, to <paramref name="copy"/>, and
    /// makes a link holding the same target beside it with path_symlink.</summary>
    [Theory]
    [InlineData("etc", "/etc", "copy", Errno.NotCapable)]
    [InlineData("sub/etc", "/etc", "sub/copy", Errno.NotCapable)]
    [InlineData("leak", "../outside/secret.txt", "copy", Errno.NotCapable)]
    // "../file.txt" stays inside from sub/, but from the preopen itself it climbs out.
    [InlineData("sub/up", "../file.txt", "copy", Errno.NotCapable)]
    [InlineData("sub/up", "../file.txt", "sub/copy", Errno.Success)]
    [InlineData("down", "sub/../file.txt", "copy", Errno.Success)]
    [InlineData("plain", "file.txt", "sub/copy", Errno.Success)]
    public void PathLinkOfALinkAgreesWithPathSymlink(string planted, string target, string copy, Errno expected)
    {
        File.CreateSymbolicLink(Path.Combine(_sandbox, planted), target);
        string before = Outside();

        int a = _guest.Put(Guest.PathA, planted), b = _guest.Put(Guest.PathB, copy);
        Assert.Equal(expected, _guest.Call("path_link", Root, 0, Guest.PathA, a, Root, Guest.PathB, b));
        a = _guest.Put(Guest.PathA, target);
        b = _guest.Put(Guest.PathB, copy + "-symlink");
        Assert.Equal(expected, _guest.Call("path_symlink", Guest.PathA, a, Root, Guest.PathB, b));

        string host = Path.Combine(_sandbox, copy);
        if (expected == Errno.Success)
        {
            // A hard link to the link itself: the same target, not the file it names.
            Assert.Equal(target, new FileInfo(host).LinkTarget);
        }
        else
        {
            // Listed rather than tested with Exists, which follows a link and misses a dangling one.
            Assert.DoesNotContain(Path.GetFileName(host), Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(host)!).Select(Path.GetFileName));
        }
        Assert.Equal(before, Outside());
    }

    /// <summary>Following the link instead is the sandbox's walk, which refuses an absolute target.</summary>
    [Fact]
    public void PathLinkFollowingAPlantedAbsoluteLinkIsRefusedToo()
    {
        File.CreateSymbolicLink(Path.Combine(_sandbox, "etc"), "/etc/hostname");
        int a = _guest.Put(Guest.PathA, "etc"), b = _guest.Put(Guest.PathB, "copy");
        Assert.Equal(Errno.NotCapable, _guest.Call("path_link", Root, (int)LookupFlags.SymlinkFollow, Guest.PathA, a, Root, Guest.PathB, b));
        Assert.False(Path.Exists(Path.Combine(_sandbox, "copy")));
    }

    /// <summary>A plain file is still linked as before.</summary>
    [Fact]
    public void PathLinkOfAFileIsUnchanged()
    {
        int a = _guest.Put(Guest.PathA, "file.txt"), b = _guest.Put(Guest.PathB, "sub/hard");
        Assert.Equal(Errno.Success, _guest.Call("path_link", Root, 0, Guest.PathA, a, Root, Guest.PathB, b));
        Assert.Equal("inside", File.ReadAllText(Path.Combine(_sandbox, "sub", "hard")));
    }
}
