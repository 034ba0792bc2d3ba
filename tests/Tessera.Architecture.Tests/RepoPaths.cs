namespace Tessera.Architecture.Tests;

/// <summary>Locates the repository and the read-only <c>shared/</c> inputs that sit beside it (as
/// <c>tests/Tessera.Wasm.Tests/TestPaths.cs</c> does).</summary>
internal static class RepoPaths
{
    /// <summary>The repository root: the nearest ancestor of the test binary holding Tessera.slnx.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The shared inputs: $TESSERA_SHARED, else <c>../shared</c> beside the repository.</summary>
    public static string Shared { get; } =
        Environment.GetEnvironmentVariable("TESSERA_SHARED") is { Length: > 0 } s ? s : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    /// <summary>The design guide whose layer table is the reference order.</summary>
    public static string DesignGuide => Path.Combine(Shared, "DESIGN.md");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (Tessera.slnx) above " + AppContext.BaseDirectory);
    }
}
