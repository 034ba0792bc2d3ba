namespace Tessera.Wasm.Tests;

/// <summary>Locates the repository and the read-only <c>shared/</c> inputs that sit beside it.</summary>
internal static class TestPaths
{
    /// <summary>The repository root: the nearest ancestor of the test binary holding Tessera.slnx.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The shared inputs: $TESSERA_SHARED, else <c>../shared</c> beside the repository.</summary>
    public static string Shared { get; } =
        Environment.GetEnvironmentVariable("TESSERA_SHARED") is { Length: > 0 } s ? s : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string TestSuite(string version) => Path.Combine(Shared, "testsuite", version);

    /// <summary>Every .wast script below <paramref name="dir"/>, sorted for a stable order.</summary>
    public static string[] WastFiles(string dir, bool recursive) =>
        Directory.GetFiles(dir, "*.wast", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToArray();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (Tessera.slnx) above " + AppContext.BaseDirectory);
    }
}
