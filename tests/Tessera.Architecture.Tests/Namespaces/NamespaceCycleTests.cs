namespace Tessera.Architecture.Tests.Namespaces;

/// <summary>
/// No namespace of a Tessera assembly depends on itself through others, except the cycles listed
/// in <see cref="KnownNamespaceCycles"/>; dependencies read from the compiled IL.
/// </summary>
public sealed class NamespaceCycleTests
{
    [Fact]
    public void NoNamespaceCyclesBeyondTheKnownOnes()
    {
        var found = SourceProject.All
            .SelectMany(p => NamespaceCycle.Find(p.Project, NamespaceGraphReader.Read(p.AssemblyPath)))
            .ToArray();

        var failures = NamespaceCycleCheck.Failures(found, KnownNamespaceCycles.All);

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void KnownCyclesNameProjectsOfSrcAndSayWhy()
    {
        foreach (var known in KnownNamespaceCycles.All)
        {
            Assert.Contains(SourceProject.All, p => p.Project == known.Assembly);
            Assert.False(string.IsNullOrWhiteSpace(known.Reason), $"{known.Key} has no reason");
        }
        Assert.Equal(KnownNamespaceCycles.All.Count, KnownNamespaceCycles.All.Select(k => (k.Assembly, k.Key)).Distinct().Count());
    }

    [Fact]
    public void CyclesAreTheComponentsOfMoreThanOneNode()
    {
        // a -> b -> c -> a is one cycle, d <-> e another; c -> d joins them one way only; f uses itself.
        var edges = new Dictionary<string, string[]>
        {
            ["a"] = ["b"],
            ["b"] = ["c"],
            ["c"] = ["a", "d"],
            ["d"] = ["e"],
            ["e"] = ["d"],
            ["f"] = ["f"],
            ["g"] = ["a"],
        };

        var cycles = StronglyConnected.Cycles(edges.Keys, n => edges[n]);

        Assert.Equal(2, cycles.Count);
        Assert.Equal(["a", "b", "c"], cycles[0]);
        Assert.Equal(["d", "e"], cycles[1]);
    }

    [Fact]
    public void AnAcyclicGraphHasNoCycles()
    {
        var edges = new Dictionary<string, string[]> { ["a"] = ["b", "c"], ["b"] = ["c"], ["c"] = [] };

        Assert.Empty(StronglyConnected.Cycles(edges.Keys, n => edges[n]));
    }

    [Fact]
    public void ACycleNamesEachEdgeWithItsExample()
    {
        var graph = new NamespaceGraph();
        graph.Add("N.A", "N.B", new TypeUse("N.A.X", "N.B.Y", "field y"));
        graph.Add("N.A", "N.B", new TypeUse("N.A.Z", "N.B.Y", "method M body"));
        graph.Add("N.A", "N.B", new TypeUse("N.A.Z+<>c", "N.B.Y", "method <M>b__0 body"));
        graph.Add("N.B", "N.A", new TypeUse("N.B.Y", "N.A.X", "base type"));
        graph.Add("N.B", "N.C", new TypeUse("N.B.Y", "N.C.W", "interface"));

        var cycle = Assert.Single(NamespaceCycle.Find("Asm", graph));

        Assert.Equal("N.A <-> N.B", cycle.Key);
        Assert.Equal(
            "Asm: N.A <-> N.B\n"
            + "    N.A -> N.B (2 type pairs): N.A.X uses N.B.Y (field y)\n"
            + "    N.B -> N.A (1 type pair): N.B.Y uses N.A.X (base type)",
            cycle.Describe());
    }

    [Fact]
    public void CheckReportsNewAndStaleCycles()
    {
        var graph = new NamespaceGraph();
        graph.Add("N.A", "N.B", new TypeUse("N.A.X", "N.B.Y", "field y"));
        graph.Add("N.B", "N.A", new TypeUse("N.B.Y", "N.A.X", "base type"));
        graph.Add("N.C", "N.D", new TypeUse("N.C.X", "N.D.Y", "field y"));
        graph.Add("N.D", "N.C", new TypeUse("N.D.Y", "N.C.X", "field x"));
        var found = NamespaceCycle.Find("Asm", graph);
        KnownNamespaceCycles.Known[] known =
        [
            new("Asm", "N.A <-> N.B", "listed and present"),
            new("Asm", "N.E <-> N.F", "listed, gone"),
            new("Other", "N.C <-> N.D", "the same namespaces in another assembly"),
        ];

        var failures = NamespaceCycleCheck.Failures(found, known);

        Assert.Equal(3, failures.Count);
        Assert.StartsWith("new namespace cycle in Asm: N.C <-> N.D\n    N.C -> N.D (1 type pair): N.C.X uses N.D.Y (field y)\n    N.D -> N.C (1 type pair): N.D.Y uses N.C.X (field x)", failures[0]);
        Assert.Equal("known namespace cycle in Asm no longer exists as listed: N.E <-> N.F; remove or update its entry in KnownNamespaceCycles (Asm's cycles now: N.A <-> N.B; N.C <-> N.D)", failures[1]);
        Assert.StartsWith("known namespace cycle in Other no longer exists as listed: N.C <-> N.D;", failures[2]);
    }
}
