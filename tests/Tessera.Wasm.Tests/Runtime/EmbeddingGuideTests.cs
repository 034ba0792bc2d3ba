using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>Console.Out is the process's: the guide's programs print to it one at a time, with no
/// other test running.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>
/// Every <c>csharp</c> block of docs/embedding.md is a whole program: each is compiled with Roslyn
/// against the engine's assemblies and run, and where an output block (<c>text</c>) follows it,
/// what it prints must be exactly that. So the guide cannot drift from the API: a renamed member,
/// a changed behaviour or a wrong expected value in the text fails here.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed partial class EmbeddingGuideTests
{
    /// <summary>The documents whose programs must run: the guide, and the engine package's readme.</summary>
    private static readonly string[] s_documents = ["docs/embedding.md", "src/Tessera.Wasm/README.md"];

    // The SDK's implicit usings for a console program, which the guide's programs assume.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    [GeneratedRegex(@"^```csharp\n(?<code>.*?)^```\n(?:\n```text\n(?<output>.*?)^```\n)?", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Program();

    private static List<(string Code, string? Output)> Programs(string document) =>
        Program().Matches(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, document)).ReplaceLineEndings("\n"))
            .Select(m => (m.Groups["code"].Value, m.Groups["output"].Success ? m.Groups["output"].Value : null)).ToList();

    public static TheoryData<string, int> Indices()
    {
        var data = new TheoryData<string, int>();
        foreach (var document in s_documents)
        {
            for (int i = 0; i < Programs(document).Count; i++) data.Add(document, i);
        }
        return data;
    }

    [Fact]
    public void The_guide_has_its_programs_and_their_outputs()
    {
        var programs = Programs("docs/embedding.md");
        Assert.True(programs.Count >= 10, $"{programs.Count} programs found in docs/embedding.md");
        Assert.True(programs.Count(p => p.Output is not null) >= 8, "most programs state their output");
        Assert.Single(Programs("src/Tessera.Wasm/README.md"));
    }

    [Theory]
    [MemberData(nameof(Indices))]
    public void A_program_of_the_guide_compiles_runs_and_prints_what_the_guide_says(string document, int index)
    {
        var (code, expected) = Programs(document)[index];
        var entry = Compile(code, index);
        var printed = new StringWriter();
        var saved = Console.Out;
        Console.SetOut(printed);
        try
        {
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        catch (TargetInvocationException e)
        {
            Assert.Fail($"program {index} of {document} threw {e.InnerException}\n{code}");
        }
        finally
        {
            Console.SetOut(saved);
        }
        if (expected is not null) Assert.Equal(expected, printed.ToString().ReplaceLineEndings("\n"));
    }

    private static MethodInfo Compile(string code, int index)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            $"EmbeddingGuide{index}",
            [CSharpSyntaxTree.ParseText(ImplicitUsings, options), CSharpSyntaxTree.ParseText(code, options)],
            References(),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(emitted.Success, $"program {index} does not compile:\n{string.Join('\n', errors)}\n{code}");
        image.Position = 0;
        var assembly = new AssemblyLoadContext($"guide{index}", isCollectible: true).LoadFromStream(image);
        return assembly.EntryPoint!;
    }

    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "System.dll" or "netstandard.dll" or "mscorlib.dll" || name.StartsWith("Tessera.", StringComparison.Ordinal)))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToArray());

    private static MetadataReference[] References() => s_references.Value;
}
