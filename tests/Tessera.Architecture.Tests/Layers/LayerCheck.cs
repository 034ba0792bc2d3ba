namespace Tessera.Architecture.Tests.Layers;

/// <summary>Checks references between projects against a <see cref="LayerOrder"/>.</summary>
internal static class LayerCheck
{
    /// <summary>One line per project without a layer and per reference to a project of the same or a
    /// higher layer, naming both projects and their layers. Referenced names that are not keys of
    /// <paramref name="referencesByProject"/> are not ours (the base library, packages) and pass.</summary>
    public static IReadOnlyList<string> Violations(LayerOrder order, IReadOnlyDictionary<string, IReadOnlyList<string>> referencesByProject)
    {
        var violations = new List<string>();
        foreach (var (project, references) in referencesByProject.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (order.RankOf(project) is not { } rank)
            {
                violations.Add($"{project} has no layer: DESIGN.md's table \"The layers, bottom up\" does not name it and UnlistedProjects does not place it");
                continue;
            }
            foreach (var reference in references.Where(referencesByProject.ContainsKey))
            {
                if (order.RankOf(reference) is { } referenceRank && referenceRank < rank) continue;
                var where = order.RankOf(reference) is null ? "which has no layer"
                    : order.RankOf(reference) == rank ? "on the same layer"
                    : $"on the higher layer {order.LayerOf(reference)}";
                violations.Add($"{project} (layer {order.LayerOf(project)}) references {reference}, {where}");
            }
        }
        return violations;
    }
}
