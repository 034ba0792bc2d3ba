using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace Tessera.Wasm.Tests;

/// <summary>
/// <c>dotnet pack src/Tessera.Wasm</c> produces a package an embedder can use: the assembly, its
/// XML documentation, the readme, and a nuspec with the id, version and metadata. Packs with
/// <c>--no-build --no-restore</c> when this test runs from a Release build (which built the library it
/// references, so the Release output is current); otherwise it builds, which is slower.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tessera-pack-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void PackProducesTheLibraryWithDocsReadmeAndMetadata()
    {
        bool release = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
        foreach (var name in new[] { "Tessera.Wasm", "Tessera.Wasm.Format", "Tessera.Platform" })
        {
            var project = Path.Combine(TestPaths.RepoRoot, "src", name, name + ".csproj");
            string[] args = ["pack", project, "-c", "Release", "-o", _dir.FullName, "-nologo", "-v", "quiet", .. release ? new[] { "--no-build", "--no-restore" } : []];
            var (exit, output) = Dotnet(args);
            Assert.True(exit == 0, $"dotnet pack {name} failed:\n" + output);
        }

        var package = Assert.Single(_dir.GetFiles("Tessera.Wasm.*.nupkg"), f => !f.Name.StartsWith("Tessera.Wasm.Format.", StringComparison.Ordinal));
        var format = Assert.Single(_dir.GetFiles("Tessera.Wasm.Format.*.nupkg"));
        var platform = Assert.Single(_dir.GetFiles("Tessera.Platform.*.nupkg"));
        Assert.Matches(@"^Tessera\.Wasm\.\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?\.nupkg$", package.Name);
        using var zip = ZipFile.OpenRead(package.FullName);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("lib/net10.0/Tessera.Wasm.dll", entries);
        Assert.Contains("lib/net10.0/Tessera.Wasm.xml", entries);
        Assert.Contains("README.md", entries);

        // The XML documentation is the compiler's, for this assembly, and documents the embedding API.
        var docs = Read(zip, "lib/net10.0/Tessera.Wasm.xml");
        Assert.Equal("Tessera.Wasm", docs.Root!.Element("assembly")!.Element("name")!.Value);
        Assert.Contains(docs.Descendants("member"), m => m.Attribute("name")!.Value == "T:Tessera.Wasm.Runtime.Engine");

        var nuspec = Read(zip, "Tessera.Wasm.nuspec");
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        Assert.Equal("Tessera.Wasm", Field("id"));
        Assert.Equal($"Tessera.Wasm.{Field("version")}.nupkg", package.Name);
        Assert.Equal("Tessera contributors", Field("authors"));
        Assert.Equal("README.md", Field("readme"));
        Assert.Contains("WebAssembly", Field("description"));
        // The engine depends on nothing outside the framework but the layers below it (DESIGN.md):
        // the platform and the format, packed alongside at the same version.
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").ToList();
        Assert.Equal(["Tessera.Platform", "Tessera.Wasm.Format"], dependencies.Select(d => d.Attribute("id")!.Value).Order(StringComparer.Ordinal));
        Assert.All(dependencies, d => Assert.Equal(Field("version"), d.Attribute("version")!.Value));
        Assert.Equal($"Tessera.Platform.{Field("version")}.nupkg", platform.Name);
        Assert.Equal($"Tessera.Wasm.Format.{Field("version")}.nupkg", format.Name);
    }

    private static XDocument Read(ZipArchive zip, string entry)
    {
        using var stream = zip.GetEntry(entry)!.Open();
        return XDocument.Load(stream);
    }

    private static (int Exit, string Output) Dotnet(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
