using System.Xml.Linq;

namespace Tessera.Architecture.Tests;

/// <summary>A project of <c>src/</c> and the assembly it builds.</summary>
/// <param name="Project">The project's name: its .csproj file name, as DESIGN.md spells it.</param>
/// <param name="AssemblyName">The built assembly's name (the project's <c>AssemblyName</c>, else the project name).</param>
internal sealed record SourceProject(string Project, string AssemblyName)
{
    /// <summary>The built assembly in this test's output, where the project reference copied it.</summary>
    public string AssemblyPath => Path.Combine(AppContext.BaseDirectory, AssemblyName + ".dll");

    /// <summary>Every project of <c>src/</c>, found by its .csproj file, so a new project cannot escape
    /// the checks; sorted by name.</summary>
    public static IReadOnlyList<SourceProject> All { get; } = Enumerate();

    private static SourceProject[] Enumerate()
    {
        var src = Path.Combine(RepoPaths.RepoRoot, "src");
        return Directory.GetDirectories(src)
            .SelectMany(dir => Directory.GetFiles(dir, "*.csproj"))
            .Select(FromCsproj)
            .OrderBy(p => p.Project, StringComparer.Ordinal)
            .ToArray();
    }

    private static SourceProject FromCsproj(string path)
    {
        var project = Path.GetFileNameWithoutExtension(path);
        var assemblyName = XDocument.Load(path).Descendants("AssemblyName").Select(e => e.Value.Trim()).LastOrDefault();
        return new SourceProject(project, string.IsNullOrEmpty(assemblyName) ? project : assemblyName);
    }
}
