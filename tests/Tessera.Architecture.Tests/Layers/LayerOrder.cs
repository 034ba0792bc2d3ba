using System.Text.RegularExpressions;

namespace Tessera.Architecture.Tests.Layers;

/// <summary>
/// The layers bottom up, as DESIGN.md's table "The layers, bottom up" lists them, with the projects
/// it does not name placed explicitly (<see cref="UnlistedProjects"/>). An assembly may reference only
/// assemblies of layers below its own.
/// </summary>
internal sealed partial class LayerOrder
{
    /// <summary>The heading of DESIGN.md's section holding the table.</summary>
    public const string Heading = "## The layers, bottom up";

    private readonly Dictionary<string, int> rankByProject = new(StringComparer.Ordinal);

    public LayerOrder(IReadOnlyList<Layer> layers)
    {
        Layers = layers;
        for (var i = 0; i < layers.Count; i++)
        {
            foreach (var project in layers[i].Projects)
            {
                if (!rankByProject.TryAdd(project, i))
                {
                    throw new ArgumentException($"{project} is on two layers: {layers[rankByProject[project]].Name} and {layers[i].Name}", nameof(layers));
                }
            }
        }
    }

    /// <summary>Bottom up: a layer may reference only those before it.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>The position of <paramref name="project"/>'s layer counted from the bottom, or null if
    /// no layer holds it.</summary>
    public int? RankOf(string project) => rankByProject.TryGetValue(project, out var rank) ? rank : null;

    /// <summary>The name of <paramref name="project"/>'s layer; the project must have one.</summary>
    public string LayerOf(string project) => Layers[rankByProject[project]].Name;

    /// <summary>This order with <paramref name="layer"/> inserted just above the layer holding <paramref name="below"/>.</summary>
    public LayerOrder InsertAbove(string below, Layer layer)
    {
        var rank = RankOf(below) ?? throw new ArgumentException($"no layer holds {below}", nameof(below));
        var layers = Layers.ToList();
        layers.Insert(rank + 1, layer);
        return new LayerOrder(layers);
    }

    /// <summary>Reads the table under <see cref="Heading"/> in DESIGN.md's text: one layer per row, in
    /// the table's order, with the backquoted names of its <c>project</c> column. A name with a slash is
    /// a folder (<c>guest/</c>), not an assembly, and is left out.</summary>
    public static LayerOrder ParseDesignGuide(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == Heading);
        if (start < 0) throw new FormatException($"no heading \"{Heading}\"");
        var rows = lines.Skip(start + 1)
            .SkipWhile(l => !l.TrimStart().StartsWith('|'))
            .TakeWhile(l => l.TrimStart().StartsWith('|'))
            .Select(Cells)
            .ToList();
        if (rows.Count < 2) throw new FormatException($"no table under \"{Heading}\"");
        var header = rows[0];
        var layerColumn = header.IndexOf("layer");
        var projectColumn = header.IndexOf("project");
        if (layerColumn < 0 || projectColumn < 0)
        {
            throw new FormatException($"the table under \"{Heading}\" has no \"layer\" or no \"project\" column: | {string.Join(" | ", header)} |");
        }
        var layers = new List<Layer>();
        foreach (var row in rows.Skip(1).Where(r => !r.All(c => c.Trim('-', ':').Length == 0)))
        {
            if (row.Count != header.Count)
            {
                throw new FormatException($"a row under \"{Heading}\" has {row.Count} cells, the header {header.Count}: | {string.Join(" | ", row)} |");
            }
            var projects = Quoted().Matches(row[projectColumn]).Select(m => m.Groups[1].Value).Where(n => !n.Contains('/')).ToArray();
            layers.Add(new Layer(row[layerColumn], projects));
        }
        return new LayerOrder(layers);
    }

    private static List<string> Cells(string row) => row.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToList();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Quoted();
}
