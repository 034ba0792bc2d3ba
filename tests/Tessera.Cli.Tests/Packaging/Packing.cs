using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Xml.Linq;

namespace Tessera.Cli.Tests.Packaging;

/// <summary>
/// <c>dotnet pack</c> and <c>dotnet tool</c> run from the tests, and what they produce read back.
/// This test project references the command line, which references every packed project, so a
/// Release build of it has built them all: packing then runs with <c>--no-build --no-restore</c>
/// and takes seconds. From any other build it builds the solution in Release, which is slower.
/// </summary>
internal static class Packing
{
    /// <summary>The repository root: the nearest ancestor of the test binary holding Tessera.slnx.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The one version of every package: &lt;Version&gt; in Directory.Build.props
    /// (docs/operations.md, Packaging), read from the file rather than from any package.</summary>
    public static string Version { get; } =
        XDocument.Load(Path.Combine(RepoRoot, "Directory.Build.props")).Descendants("Version").Single().Value;

    private static readonly bool s_release =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    /// <summary>Packs the solution into <paramref name="output"/>: every project that packs.</summary>
    public static void PackSolution(DirectoryInfo output)
    {
        string[] args = ["pack", Path.Combine(RepoRoot, "Tessera.slnx"), "-c", "Release", "-o", output.FullName, "-nologo", "-v", "quiet", .. s_release ? new[] { "--no-build", "--no-restore" } : []];
        var (exit, stdout, stderr) = Run("dotnet", args);
        Assert.True(exit == 0, $"dotnet pack Tessera.slnx failed:\n{stdout}{stderr}");
    }

    /// <summary>The &lt;metadata&gt; element of the package's nuspec.</summary>
    public static XElement Metadata(ZipArchive package, string id) =>
        ReadXml(package, id + ".nuspec").Root!.Elements().Single(e => e.Name.LocalName == "metadata");

    /// <summary>The value of the metadata field <paramref name="name"/> (namespace-free name).</summary>
    public static string Field(this XElement metadata, string name) =>
        metadata.Elements().Single(e => e.Name.LocalName == name).Value;

    public static XDocument ReadXml(ZipArchive package, string entry)
    {
        using var stream = Entry(package, entry).Open();
        return XDocument.Load(stream);
    }

    public static byte[] ReadBytes(ZipArchive package, string entry)
    {
        using var stream = Entry(package, entry).Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static ZipArchiveEntry Entry(ZipArchive package, string name) =>
        package.GetEntry(name) ?? throw new Xunit.Sdk.XunitException($"the package has no {name}: " + string.Join(", ", package.Entries.Select(e => e.FullName)));

    /// <summary>
    /// Runs a program to its end (at most two minutes, then it is killed and the test fails), with
    /// the CLI's telemetry and banners off and <paramref name="environment"/> added. The runtime
    /// that runs these tests is the one a tool's launcher is pointed at (DOTNET_ROOT), unless the
    /// environment already names one.
    /// </summary>
    public static (int Exit, string Stdout, string Stderr) Run(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (!start.Environment.TryGetValue("DOTNET_ROOT", out var root) || string.IsNullOrEmpty(root))
        {
            // RuntimeDirectory is DOTNET_ROOT/shared/Microsoft.NETCore.App/VERSION/.
            start.Environment["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException(program + " did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not end within two minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (Tessera.slnx) above " + AppContext.BaseDirectory);
    }
}
