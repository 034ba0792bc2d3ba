namespace Tessera.Architecture.Tests.Layers;

/// <summary>
/// The built assemblies' references against the layer order of DESIGN.md (read from
/// <c>../shared/DESIGN.md</c>): an assembly references only assemblies of lower layers.
/// </summary>
public sealed class LayerOrderTests
{
    private static LayerOrder DesignOrder { get; } = LayerOrder.ParseDesignGuide(File.ReadAllText(RepoPaths.DesignGuide));

    private static LayerOrder Order { get; } = UnlistedProjects.PlaceIn(DesignOrder);

    [Fact]
    public void NoAssemblyReferencesItsOwnOrAHigherLayer()
    {
        var projectByAssembly = SourceProjects().ToDictionary(p => p.AssemblyName, p => p.Project, StringComparer.Ordinal);
        var referencesByProject = SourceProjects().ToDictionary(
            p => p.Project,
            p => (IReadOnlyList<string>)AssemblyFile.References(p.AssemblyPath).Select(a => projectByAssembly.GetValueOrDefault(a, a)).ToArray());

        var violations = LayerCheck.Violations(Order, referencesByProject);

        Assert.True(violations.Count == 0, "references against the layer order (bottom up: "
            + string.Join(" <- ", Order.Layers.Where(l => l.Projects.Count > 0).SelectMany(l => l.Projects)) + "):\n"
            + string.Join("\n", violations));
    }

    [Fact]
    public void EveryProjectOfSrcHasALayer()
    {
        var unplaced = SourceProjects().Where(p => Order.RankOf(p.Project) is null).Select(p => p.Project).ToArray();
        Assert.True(unplaced.Length == 0,
            "projects of src/ that DESIGN.md's layer table does not name and UnlistedProjects does not place: " + string.Join(", ", unplaced));
    }

    /// <summary>Independently of the parser, docs/architecture.md states today's order.</summary>
    [Fact]
    public void DesignGuideReadsAsTheDocumentedOrder()
    {
        string[] documented = ["Tessera.Platform", "Tessera.Wasm.Format", "Tessera.Wasm", "Tessera.Wasi", "Tessera.Kernel", "Tessera.Cli"];

        var rank = documented.ToDictionary(p => p, p => DesignOrder.RankOf(p) ?? throw new Xunit.Sdk.XunitException($"DESIGN.md's table does not name {p}"));

        Assert.Equal(documented, documented.OrderBy(p => rank[p]));
        Assert.Equal(documented.Length, rank.Values.Distinct().Count());
    }

    [Fact]
    public void UnlistedProjectsAreNotInTheDesignGuide()
    {
        foreach (var placement in UnlistedProjects.All)
        {
            if (DesignOrder.RankOf(placement.Project) is not null)
            {
                Assert.Fail($"DESIGN.md now places {placement.Project} on layer {DesignOrder.LayerOf(placement.Project)}: remove its entry from UnlistedProjects");
            }
            Assert.Contains(SourceProjects(), p => p.Project == placement.Project);
        }
    }

    [Fact]
    public void ParserReadsTheProjectColumnBottomUp()
    {
        const string markdown = """
            # Guide

            ## The layers, bottom up

            | layer | project | what it owns |
            |---|---|---|
            | Base | `A.Base` | the bottom, with `Noise` in another column |
            | Middle | `A.Middle`, `A.Side` | two projects on one layer |
            | Future | `A.Future` | no project yet |
            | Guests | `guest/` | a folder, not an assembly |

            Text after the table.

            | layer | project |
            |---|---|
            | Other | `Not.This` |
            """;

        var order = LayerOrder.ParseDesignGuide(markdown);

        Assert.Equal(["Base", "Middle", "Future", "Guests"], order.Layers.Select(l => l.Name));
        Assert.Equal(["A.Base"], order.Layers[0].Projects);
        Assert.Equal(["A.Middle", "A.Side"], order.Layers[1].Projects);
        Assert.Empty(order.Layers[3].Projects);
        Assert.Null(order.RankOf("Noise"));
        Assert.Null(order.RankOf("Not.This"));
    }

    [Fact]
    public void ParserFailsWithoutTheTable()
    {
        var error = Assert.Throws<FormatException>(() => LayerOrder.ParseDesignGuide("# Guide\n\n## Other\n"));
        Assert.Contains(LayerOrder.Heading, error.Message);
    }

    [Fact]
    public void CheckAcceptsReferencesDownward()
    {
        var references = new Dictionary<string, IReadOnlyList<string>>
        {
            ["P"] = ["System.Runtime"],
            ["F"] = ["P", "System.Runtime"],
            ["E"] = ["P", "F"],
            ["T"] = ["E", "F"],
        };

        Assert.Empty(LayerCheck.Violations(MadeUpOrder(), references));
    }

    [Fact]
    public void CheckReportsReferencesToTheSameOrAHigherLayer()
    {
        var references = new Dictionary<string, IReadOnlyList<string>>
        {
            ["P"] = ["E"],
            ["F"] = ["P"],
            ["E"] = ["F", "E2"],
            ["E2"] = [],
            ["T"] = ["E"],
            ["X"] = ["P"],
        };

        var violations = LayerCheck.Violations(MadeUpOrder(), references);

        Assert.Equal(
            [
                "E (layer Engine) references E2, on the same layer",
                "P (layer Platform) references E, on the higher layer Engine",
                "X has no layer: DESIGN.md's table \"The layers, bottom up\" does not name it and UnlistedProjects does not place it",
            ],
            violations);
    }

    [Fact]
    public void PlacementGoesJustAboveItsProject()
    {
        var order = MadeUpOrder().InsertAbove("F", new Layer("Tool", ["F.Tool"]));

        Assert.Equal(["P", "F", "F.Tool", "E", "T"], order.Layers.Select(l => l.Projects[0]));
        Assert.Equal("Tool", order.LayerOf("F.Tool"));
    }

    /// <summary>P &lt;- F &lt;- E (with E2 on the same layer) &lt;- T.</summary>
    private static LayerOrder MadeUpOrder() => new(
    [
        new Layer("Platform", ["P"]),
        new Layer("Format", ["F"]),
        new Layer("Engine", ["E", "E2"]),
        new Layer("Tool", ["T"]),
    ]);

    private static IReadOnlyList<SourceProject> SourceProjects() => SourceProject.All;
}
