using System.IO.Compression;

namespace Tessera.Cli.Tests.Packaging;

/// <summary>
/// <c>dotnet pack</c> of each library produces a package an embedder can use: the assembly, its
/// XML documentation, its folder's README as the package readme, the Apache-2.0 license
/// expression, the version of Directory.Build.props, and dependencies on exactly the packages of
/// the layers it references, pinned to that same version (docs/operations.md, Packaging).
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class LibraryPackageTests(PackedSolution packed)
{
    /// <summary>The packed libraries in DESIGN.md's layer order, bottom up: a package may depend only
    /// on packages before it in this list.</summary>
    private static readonly string[] s_layers = ["Tessera.Platform", "Tessera.Wasm.Format", "Tessera.Wasm", "Tessera.Wasi", "Tessera.Kernel"];

    /// <summary>Each library; the packages it depends on (its ProjectReferences in its csproj); a
    /// type its XML documentation must document.</summary>
    public static TheoryData<string, string[], string> Libraries => new()
    {
        { "Tessera.Platform", [], "T:Tessera.Platform.Memory.VirtualMemory" },
        { "Tessera.Wasm.Format", [], "T:Tessera.Wasm.Binary.ModuleDecoder" },
        { "Tessera.Wasm", ["Tessera.Platform", "Tessera.Wasm.Format"], "T:Tessera.Wasm.Runtime.Engine" },
        { "Tessera.Wasi", ["Tessera.Platform", "Tessera.Wasm"], "T:Tessera.Wasi.WasiModule" },
        { "Tessera.Kernel", ["Tessera.Wasi", "Tessera.Wasm"], "T:Tessera.Kernel.Kernel" },
    };

    [Theory]
    [MemberData(nameof(Libraries))]
    public void PackProducesTheLibraryWithDocsReadmeLicenseAndPinnedDependencies(string name, string[] dependsOn, string documentedType)
    {
        using var package = ZipFile.OpenRead(packed.Package(name).FullName);
        var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains($"lib/net10.0/{name}.dll", entries);

        // The XML documentation is the compiler's, for this assembly.
        var docs = Packing.ReadXml(package, $"lib/net10.0/{name}.xml");
        Assert.Equal(name, docs.Root!.Element("assembly")!.Element("name")!.Value);
        Assert.Contains(docs.Descendants("member"), m => m.Attribute("name")!.Value == documentedType);

        // The readme is the project folder's README.md, byte for byte.
        Assert.Equal(File.ReadAllBytes(Path.Combine(Packing.RepoRoot, "src", name, "README.md")), Packing.ReadBytes(package, "README.md"));

        var metadata = Packing.Metadata(package, name);
        Assert.Equal(name, metadata.Field("id"));
        Assert.Equal(Packing.Version, metadata.Field("version"));
        Assert.Equal("Tessera contributors", metadata.Field("authors"));
        Assert.Equal("README.md", metadata.Field("readme"));
        Assert.False(string.IsNullOrWhiteSpace(metadata.Field("description")));
        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("Apache-2.0", license.Value);

        // Dependencies: exactly the layers below that the project references, each at exactly this
        // package's version ("[V]", NuGet's notation for V and nothing else), nothing else at all.
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").ToList();
        Assert.Equal(dependsOn, dependencies.Select(d => d.Attribute("id")!.Value).Order(StringComparer.Ordinal));
        Assert.All(dependencies, d => Assert.Equal($"[{Packing.Version}]", d.Attribute("version")!.Value));
        Assert.All(dependsOn, d => Assert.True(Array.IndexOf(s_layers, d) < Array.IndexOf(s_layers, name), $"{name} depends on {d}, which is not a layer below it"));
    }

    [Fact]
    public void TheSolutionPacksTheLibrariesAndTheToolAndNothingElse()
    {
        // Tessera.Wasm.Wast (a test tool), the tests and the benchmarks are not packages.
        string[] expected = [.. s_layers, "Tessera.Cli"];
        Assert.Equal(expected.Select(id => $"{id}.{Packing.Version}.nupkg").Order(StringComparer.Ordinal),
            packed.Directory.GetFiles().Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheLicenseExpressionNamesTheLicenseFileOfTheRepository()
    {
        // Apache-2.0 (the SPDX identifier every package declares) is the Apache License, Version 2.0,
        // whose text opens with these two lines and whose last clause is the appendix.
        var text = File.ReadAllText(Path.Combine(Packing.RepoRoot, "LICENSE"));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["Apache License", "Version 2.0, January 2004"], lines.Take(2));
        Assert.Contains("APPENDIX: How to apply the Apache License to your work.", text, StringComparison.Ordinal);
        Assert.Contains("<PackageLicenseExpression>Apache-2.0</PackageLicenseExpression>", File.ReadAllText(Path.Combine(Packing.RepoRoot, "Directory.Build.props")), StringComparison.Ordinal);
    }
}
