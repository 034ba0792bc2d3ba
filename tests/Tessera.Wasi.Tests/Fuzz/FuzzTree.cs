using System.Text;
using Tessera.Platform.Files;

namespace Tessera.Wasi.Tests.Fuzz;

/// <summary>
/// The host side of a fuzz run: a temporary directory holding <c>sandbox/</c> (the preopen) and
/// <c>outside/</c> beside it, with links the host planted, some pointing out (relative, absolute,
/// through a subdirectory), some inside, and a loop. It can fingerprint the outside and list the
/// links in the sandbox that lead out and are not the host's own.
/// </summary>
internal sealed class FuzzTree : IDisposable
{
    private readonly HashSet<(ulong Device, ulong Inode)> _planted = [];

    public FuzzTree()
    {
        Root = Directory.CreateTempSubdirectory("tessera-wasifuzz-").FullName;
        Sandbox = Directory.CreateDirectory(Path.Combine(Root, "sandbox")).FullName;
        Outside = Directory.CreateDirectory(Path.Combine(Root, "outside")).FullName;
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), "secret");
        Directory.CreateDirectory(Path.Combine(Outside, "sub"));
        File.WriteAllText(Path.Combine(Outside, "sub", "x"), "x");
        File.WriteAllText(Path.Combine(Sandbox, "a"), "alpha");
        File.WriteAllText(Path.Combine(Sandbox, "b"), "");
        Directory.CreateDirectory(Path.Combine(Sandbox, "d", "e"));
        File.WriteAllText(Path.Combine(Sandbox, "d", "e", "f"), "deep");
        Plant("l", "a");
        Plant("dl", "d/e");
        Plant("up", "../outside/secret.txt");
        Plant("abs", Path.Combine(Outside, "secret.txt"));
        Plant("absdir", Outside);
        Plant("loop1", "loop2");
        Plant("loop2", "loop1");
        Plant("d/back", "../a");
        Plant("d/climb", "../../outside");
        OutsideAtStart = OutsideFingerprint();
    }

    public string Root { get; }
    public string Sandbox { get; }
    public string Outside { get; }
    public string OutsideAtStart { get; }

    private void Plant(string name, string target)
    {
        string path = Path.Combine(Sandbox, name);
        File.CreateSymbolicLink(path, target);
        _planted.Add(Identity(path, out _));
    }

    private static (ulong, ulong) Identity(string path, out ulong links)
    {
        int r = HostFiles.StatAt(HostFiles.CurrentDirectory, Encoding.UTF8.GetBytes(path), follow: false, out var status);
        if (r < 0) throw new InvalidOperationException($"stat {path}: {r}");
        links = status.LinkCount;
        return (status.Device, status.Inode);
    }

    /// <summary>Names, kinds, contents, link targets and modification times under outside/.</summary>
    public string OutsideFingerprint()
    {
        var text = new StringBuilder();
        foreach (var path in Directory.EnumerateFileSystemEntries(Outside, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            text.Append(path).Append(' ').Append(info.Attributes).Append(' ').Append(info.LastWriteTimeUtc.Ticks);
            if (info.LinkTarget is { } target) text.Append(" -> ").Append(target);
            else if (File.Exists(path)) text.Append(' ').Append(File.ReadAllText(path));
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <summary>
    /// Links in the sandbox whose target is absolute or leads out of it (read lexically from where
    /// the link sits), other than the host's own links where they are now: a planted link may be
    /// renamed, but a second name for it (path_link) or a new link made by the guest is a stray.
    /// </summary>
    public List<string> StrayLinks()
    {
        var strays = new List<string>();
        var pending = new Stack<string>([Sandbox]);
        while (pending.Count > 0)
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(pending.Pop()))
            {
                var info = new FileInfo(path);
                if (info.LinkTarget is not { } target)
                {
                    if (Directory.Exists(path)) pending.Push(path);
                    continue;
                }
                string resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, target));
                bool inside = !Path.IsPathRooted(target) && (resolved == Sandbox || resolved.StartsWith(Sandbox + "/", StringComparison.Ordinal));
                if (inside) continue;
                var identity = Identity(path, out ulong links);
                if (!_planted.Contains(identity) || links != 1) strays.Add($"{path} -> {target} ({links} names)");
            }
        }
        return strays;
    }

    /// <summary>Whether <paramref name="path"/> names anything, a dangling link included.</summary>
    public static bool Names(string path) =>
        HostFiles.StatAt(HostFiles.CurrentDirectory, Encoding.UTF8.GetBytes(path), follow: false, out _) == 0;

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
