namespace Tessera.Architecture.Tests.Namespaces;

/// <summary>Which namespaces of one assembly use which; each edge keeps the first use seen as its
/// example and counts the pairs of top-level types behind it (how much code cutting it touches).</summary>
internal sealed class NamespaceGraph
{
    private readonly SortedDictionary<string, SortedDictionary<string, Edge>> edges = new(StringComparer.Ordinal);

    private sealed class Edge(TypeUse example)
    {
        public TypeUse Example { get; } = example;

        public HashSet<(string User, string Used)> TypePairs { get; } = [];
    }

    /// <summary>Every namespace that uses or is used, sorted.</summary>
    public IEnumerable<string> Namespaces => edges.Keys;

    /// <summary>The namespaces <paramref name="from"/> uses, sorted.</summary>
    public IEnumerable<string> Successors(string from) => edges.TryGetValue(from, out var to) ? to.Keys : [];

    /// <summary>The first use recorded for the edge, or null if <paramref name="from"/> does not use <paramref name="to"/>.</summary>
    public TypeUse? Example(string from, string to) => edges.TryGetValue(from, out var t) ? t.GetValueOrDefault(to)?.Example : null;

    /// <summary>How many pairs of top-level types (nested types counted as the type that encloses them)
    /// make up the edge; 0 if there is none.</summary>
    public int TypePairs(string from, string to) => edges.TryGetValue(from, out var t) ? t.GetValueOrDefault(to)?.TypePairs.Count ?? 0 : 0;

    /// <summary>Records that <paramref name="from"/> uses <paramref name="to"/>; uses within one namespace
    /// are not edges.</summary>
    public void Add(string from, string to, TypeUse use)
    {
        var targets = Node(from);
        Node(to);
        if (from == to) return;
        if (!targets.TryGetValue(to, out var edge)) targets[to] = edge = new Edge(use);
        edge.TypePairs.Add((TopLevel(use.User), TopLevel(use.Used)));
    }

    private static string TopLevel(string typeName) => typeName.Split('+')[0];

    private SortedDictionary<string, Edge> Node(string name)
    {
        if (!edges.TryGetValue(name, out var targets)) edges[name] = targets = new(StringComparer.Ordinal);
        return targets;
    }
}
