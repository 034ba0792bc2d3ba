namespace Tessera.Cli.Tests.Packaging;

/// <summary>
/// <c>dotnet pack Tessera.slnx</c> once into a temporary folder (docs/operations.md, Packaging),
/// shared by the package tests: one pack of the solution takes about as long as one of a project.
/// </summary>
public sealed class PackedSolution : IDisposable
{
    public PackedSolution()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("tessera-pack-");
        Packing.PackSolution(Directory);
    }

    /// <summary>The folder holding the packages, and nothing else: the tests use it as a feed.</summary>
    public DirectoryInfo Directory { get; }

    /// <summary>The package <paramref name="id"/> at the version of Directory.Build.props.</summary>
    public FileInfo Package(string id)
    {
        var file = new FileInfo(Path.Combine(Directory.FullName, $"{id}.{Packing.Version}.nupkg"));
        Assert.True(file.Exists, $"no {file.Name} among " + string.Join(", ", Directory.GetFiles().Select(f => f.Name)));
        return file;
    }

    public void Dispose() => Directory.Delete(recursive: true);
}

/// <summary>The package tests share one <see cref="PackedSolution"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackedSolution>
{
    public const string Name = "packages";
}
