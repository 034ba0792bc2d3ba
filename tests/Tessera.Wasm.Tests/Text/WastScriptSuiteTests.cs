using System.Text;
using Tessera.Wasm.Text;

namespace Tessera.Wasm.Tests.Text;

/// <summary>Reads the shared spec suite's scripts.</summary>
public class WastScriptSuiteTests
{
    public static TheoryData<string> AllScripts()
    {
        var data = new TheoryData<string>();
        foreach (var version in new[] { "wasm-2.0", "wasm-3.0" })
        {
            var root = TestPaths.TestSuite(version);
            foreach (var file in TestPaths.WastFiles(root, recursive: true)) data.Add(Path.GetRelativePath(TestPaths.Shared, file));
        }
        return data;
    }

    internal static IReadOnlyList<WastCommand> Read(string relative)
    {
        var path = Path.Combine(TestPaths.Shared, relative);
        return WastScript.Parse(File.ReadAllText(path, Encoding.UTF8), relative);
    }

    [Theory]
    [MemberData(nameof(AllScripts))]
    public void EveryScriptParses(string relative)
    {
        var commands = Read(relative);
        Assert.NotEmpty(commands);
    }

    [Fact]
    public void SuiteHasTheExpectedNumberOfScripts()
    {
        // 146 top-level 2.0 scripts and 257 top-level 3.0 scripts (testsuite/README.md).
        Assert.Equal(146, TestPaths.WastFiles(TestPaths.TestSuite("wasm-2.0"), recursive: false).Length);
        Assert.Equal(257, TestPaths.WastFiles(TestPaths.TestSuite("wasm-3.0"), recursive: false).Length);
    }

    [Fact]
    public void Wasm2TopLevelScriptsHaveTheKnownAssertionCounts()
    {
        // Counts given by the project's issue: 1813 assert_malformed and 2144 assert_invalid.
        // The README's 52,131 assertions and 45,634 assert_return are checked too.
        var counts = new Dictionary<WastCommandKind, int>();
        var assertions = 0;
        foreach (var file in TestPaths.WastFiles(TestPaths.TestSuite("wasm-2.0"), recursive: false))
        {
            foreach (var command in WastScript.Parse(File.ReadAllText(file), file))
            {
                counts[command.Kind] = counts.GetValueOrDefault(command.Kind) + 1;
                if (command.Kind is not (WastCommandKind.Module or WastCommandKind.ModuleInstance or WastCommandKind.Register or WastCommandKind.Action)) assertions++;
            }
        }
        Assert.Equal(1813, counts[WastCommandKind.AssertMalformed]);
        Assert.Equal(2144, counts[WastCommandKind.AssertInvalid]);
        Assert.Equal(45634, counts[WastCommandKind.AssertReturn]);
        Assert.Equal(52131, assertions);
    }
}
