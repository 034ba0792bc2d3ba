using System.IO.Compression;

namespace Tessera.Cli.Tests.Packaging;

/// <summary>
/// <c>tessera</c> as a .NET tool (docs/operations.md, Packaging): packed into a folder, installed
/// from that folder as the only feed, and run on a program written here by hand. The install is
/// offline by construction: the NuGet configuration lists only the folder, the packages folder is
/// an empty one of this test's, and every HTTP proxy points at a closed port, so any package that
/// had to be downloaded would fail the install.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class ToolPackageTests(PackedSolution packed) : IDisposable
{
    /// <summary>The package id of the tool, from Tessera.Cli.csproj: not the command's name.</summary>
    private const string PackageId = "Tessera.Cli";

    /// <summary>Writes its 16 bytes "packed tool ran\n" to stdout with fd_write (one iovec at 0
    /// pointing at the data at 16), then calls proc_exit(3).</summary>
    private const string Program = """
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "packed tool ran\n")
          (func (export "_start")
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 16))
            (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
            (call $proc_exit (i32.const 3))))
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tessera-tool-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void TheToolInstallsFromALocalFeedAndRunsAWasiProgram()
    {
        var feed = packed.Directory;
        var file = packed.Package(PackageId);
        using (var package = ZipFile.OpenRead(file.FullName))
        {
            var metadata = Packing.Metadata(package, PackageId);
            Assert.Contains(metadata.Descendants(), e => e.Name.LocalName == "packageType" && e.Attribute("name")?.Value == "DotnetTool");
            Assert.Equal("Apache-2.0", metadata.Field("license"));
            // A tool carries what it needs and declares no dependency.
            Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");
            var settings = Packing.ReadXml(package, "tools/net10.0/any/DotnetToolSettings.xml");
            var command = Assert.Single(settings.Descendants("Command"));
            Assert.Equal("tessera", command.Attribute("Name")?.Value);
            Assert.Equal("tessera.dll", command.Attribute("EntryPoint")?.Value);
        }

        var config = Path.Combine(_dir.FullName, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed.FullName}" />
              </packageSources>
            </configuration>
            """);
        var offline = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(_dir.FullName, "packages"),
            ["HTTP_PROXY"] = "http://127.0.0.1:9",
            ["HTTPS_PROXY"] = "http://127.0.0.1:9",
            ["http_proxy"] = "http://127.0.0.1:9",
            ["https_proxy"] = "http://127.0.0.1:9",
        };
        var tools = Path.Combine(_dir.FullName, "tools");
        var install = Packing.Run("dotnet", ["tool", "install", "--tool-path", tools, "--configfile", config, PackageId, "--version", Packing.Version], offline);
        Assert.True(install.Exit == 0, $"dotnet tool install failed:\n{install.Stdout}{install.Stderr}");

        var program = Path.Combine(_dir.FullName, "program.wat");
        File.WriteAllText(program, Program);
        // The cache of compiled modules goes to this test's folder, not the user's.
        var run = Packing.Run(Path.Combine(tools, "tessera"), ["run", program], new Dictionary<string, string> { ["XDG_CACHE_HOME"] = Path.Combine(_dir.FullName, "cache") });
        // proc_exit(N) is exit status N (docs/operations.md, Exit codes), stderr stays empty.
        Assert.True(run.Exit == 3, $"tessera run exited {run.Exit}:\n{run.Stdout}{run.Stderr}");
        Assert.Equal("packed tool ran\n", run.Stdout);
        Assert.Equal("", run.Stderr);
    }
}
