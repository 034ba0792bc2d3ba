namespace Tessera.Architecture.Tests.Namespaces;

/// <summary>
/// Namespaces of one assembly that all use each other, directly or through one another (a strongly
/// connected component of its <see cref="NamespaceGraph"/>), with every edge between them and its
/// example use: cutting edges until no cycle remains is how it is broken.
/// </summary>
internal sealed record NamespaceCycle(string Assembly, IReadOnlyList<string> Namespaces, IReadOnlyList<NamespaceCycle.Edge> Edges)
{
    /// <summary>The name a known cycle is listed under: its namespaces, sorted, joined by " &lt;-&gt; ".</summary>
    public string Key => string.Join(" <-> ", Namespaces);

    /// <summary>The cycles of <paramref name="graph"/>, the graph of <paramref name="assembly"/>.</summary>
    public static IReadOnlyList<NamespaceCycle> Find(string assembly, NamespaceGraph graph) =>
        StronglyConnected.Cycles(graph.Namespaces, graph.Successors)
            .Select(members => new NamespaceCycle(assembly, members,
                members.SelectMany(from => graph.Successors(from).Where(members.Contains)
                    .Select(to => new Edge(from, to, graph.Example(from, to)!, graph.TypePairs(from, to)))).ToArray()))
            .ToArray();

    /// <summary>The cycle and one line per edge: "A -> B (n type pairs): A.T uses B.U (where)".</summary>
    public string Describe() => $"{Assembly}: {Key}\n" + string.Join("\n", Edges.Select(e => "    " + e));

    /// <summary>One namespace of the cycle using another: an example use, and how many pairs of
    /// top-level types use it.</summary>
    public sealed record Edge(string From, string To, TypeUse Example, int TypePairs)
    {
        public override string ToString() => $"{From} -> {To} ({TypePairs} type pair{(TypePairs == 1 ? "" : "s")}): {Example}";
    }
}
