using System.Text;
using Tessera.Platform.Files;

namespace Tessera.Platform.Tests.Files;

/// <summary>
/// Names handed to <see cref="HostFiles"/>: every call that takes one refuses a name longer than
/// PATH_MAX less its NUL (4095 bytes) with ENAMETOOLONG before copying it, instead of sizing a
/// stack or heap buffer by it (an 8 MiB name once overflowed the stack), and names between the
/// stack buffer and the cap still reach the host intact.
/// </summary>
public sealed class HostNameTests : IDisposable
{
    private const int ENAMETOOLONG = 36, EINVAL = 22;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tessera-hostname-");
    private readonly int _handle;

    public HostNameTests()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "f"), "data");
        File.CreateSymbolicLink(Path.Combine(_dir.FullName, "l"), "f");
        _handle = HostFiles.OpenAt(HostFiles.CurrentDirectory, Encoding.UTF8.GetBytes(_dir.FullName), OpenFlags.PathOnly | OpenFlags.Directory);
        Assert.True(_handle >= 0, $"open {_dir.FullName}: {_handle}");
    }

    public void Dispose()
    {
        _ = HostFiles.Close(_handle);
        _dir.Delete(recursive: true);
    }

    /// <summary>Each name-taking call with <paramref name="name"/> as its name (and as the other
    /// name of the two-name calls, or as a link's target).</summary>
    private Dictionary<string, int> CallEach(byte[] name)
    {
        var results = new Dictionary<string, int>
        {
            ["openat"] = HostFiles.OpenAt(_handle, name, OpenFlags.Read | OpenFlags.NoFollow),
            ["statx"] = HostFiles.StatAt(_handle, name, follow: false, out _),
            ["statx follow"] = HostFiles.StatAt(_handle, name, follow: true, out _),
            ["readlinkat"] = HostFiles.ReadLinkAt(_handle, name, out _),
            ["mkdirat"] = HostFiles.MakeDirectoryAt(_handle, name),
            ["unlinkat"] = HostFiles.UnlinkAt(_handle, name, directory: false),
            ["unlinkat dir"] = HostFiles.UnlinkAt(_handle, name, directory: true),
            ["renameat from"] = HostFiles.RenameAt(_handle, name, _handle, "g"u8),
            ["renameat to"] = HostFiles.RenameAt(_handle, "f"u8, _handle, name),
            ["linkat from"] = HostFiles.LinkAt(_handle, name, _handle, "g"u8),
            ["linkat to"] = HostFiles.LinkAt(_handle, "f"u8, _handle, name),
            ["symlinkat target"] = HostFiles.SymlinkAt(name, _handle, "s"u8),
            ["symlinkat name"] = HostFiles.SymlinkAt("f"u8, _handle, name),
            ["utimensat"] = HostFiles.SetTimesAt(_handle, name, follow: false, 0, false, 0, false),
        };
        if (results["openat"] >= 0) _ = HostFiles.Close(results["openat"]);
        return results;
    }

    private string Listing() => string.Join(",", _dir.EnumerateFileSystemInfos().Select(i => i.Name).Order(StringComparer.Ordinal));

    [Theory]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(8 << 20)]
    public void NamesPastPathMaxAreRefusedByEveryCall(int length)
    {
        var name = new byte[length];
        name.AsSpan().Fill((byte)'a');
        string before = Listing();
        foreach (var (call, result) in CallEach(name)) Assert.True(result == -ENAMETOOLONG, $"{call}: {result}");
        Assert.Equal(before, Listing());
    }

    [Fact]
    public void ANulInsideANameIsRefused()
    {
        foreach (var (call, result) in CallEach("f\0x"u8.ToArray())) Assert.True(result == -EINVAL, $"{call}: {result}");
    }

    /// <summary>A 4095-byte path ("." then slashes then "f") is the longest Linux takes; past the
    /// stack buffer it goes through the pooled one and must reach the host byte for byte.</summary>
    [Fact]
    public void ALongNameWithinPathMaxReachesTheHostIntact()
    {
        var name = Encoding.ASCII.GetBytes("." + new string('/', 4093) + "f");
        Assert.Equal(4095, name.Length);
        Assert.Equal(0, HostFiles.StatAt(_handle, name, follow: false, out var status));
        Assert.Equal(4UL, status.Size);
        Assert.Equal(0, HostFiles.ReadLinkAt(_handle, Encoding.ASCII.GetBytes("." + new string('/', 300) + "l"), out var target));
        Assert.Equal("f"u8.ToArray(), target);
        int fd = HostFiles.OpenAt(_handle, name, OpenFlags.Read | OpenFlags.NoFollow);
        Assert.True(fd >= 0, $"openat: {fd}");
        _ = HostFiles.Close(fd);
    }

    /// <summary>Below the cap the kernel has the last word: one component past NAME_MAX (255) is
    /// its ENAMETOOLONG, so the cap refuses nothing Linux would take.</summary>
    [Fact]
    public void AComponentPastNameMaxIsTheHostsEnametoolong()
    {
        var name = new byte[300];
        name.AsSpan().Fill((byte)'a');
        Assert.Equal(-ENAMETOOLONG, HostFiles.StatAt(_handle, name, follow: false, out _));
        Assert.Equal(-ENAMETOOLONG, HostFiles.MakeDirectoryAt(_handle, name));
    }
}
