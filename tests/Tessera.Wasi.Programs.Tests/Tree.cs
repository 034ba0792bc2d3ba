using System.Security.Cryptography;

namespace Tessera.WasiPrograms.Tests;

/// <summary>
/// A directory tree as comparable text, one entry per line sorted by path: "d PATH",
/// "f PATH SIZE SHA256-PREFIX", or "l PATH -> TARGET". Times are left out (they differ between
/// any two runs) unless asked for, and then only the modification time: reading a file for its
/// hash may move its access time.
/// </summary>
internal static class Tree
{
    public static SortedDictionary<string, string> Snapshot(string root, bool withTimes = false, Func<string, bool>? include = null)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(new DirectoryInfo(root), root, entries, withTimes, include ?? (_ => true));
        return entries;
    }

    public static string Text(SortedDictionary<string, string> tree) =>
        string.Join('\n', tree.Select(e => e.Value.Length == 0 ? e.Key : e.Key + " " + e.Value));

    private static void Walk(DirectoryInfo dir, string root, SortedDictionary<string, string> entries, bool withTimes, Func<string, bool> include)
    {
        foreach (var info in dir.EnumerateFileSystemInfos())
        {
            var rel = Path.GetRelativePath(root, info.FullName).Replace('\\', '/');
            if (!include(rel)) continue;
            var times = withTimes ? $" mtime={info.LastWriteTimeUtc.Ticks}" : "";
            if (info.LinkTarget != null)
            {
                entries["l " + rel] = "-> " + info.LinkTarget;
            }
            else if (info is DirectoryInfo sub)
            {
                entries["d " + rel] = times.Trim();
                Walk(sub, root, entries, withTimes, include);
            }
            else
            {
                var bytes = File.ReadAllBytes(info.FullName);
                entries["f " + rel] = $"{bytes.Length} {Convert.ToHexString(SHA256.HashData(bytes))[..16]}{times}";
            }
        }
    }
}
