namespace Tessera.Architecture.Tests.Namespaces;

/// <summary>Tarjan's strongly connected components: the sets of nodes that all reach each other.</summary>
internal static class StronglyConnected
{
    /// <summary>The components of the graph with more than one node, each sorted, sorted by their first
    /// node. A node alone (even one using itself) is no cycle between namespaces.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Cycles(IEnumerable<string> nodes, Func<string, IEnumerable<string>> successors)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var lowLink = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<IReadOnlyList<string>>();

        void Visit(string node)
        {
            index[node] = lowLink[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in successors(node))
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    lowLink[node] = Math.Min(lowLink[node], lowLink[next]);
                }
                else if (onStack.Contains(next))
                {
                    lowLink[node] = Math.Min(lowLink[node], index[next]);
                }
            }
            if (lowLink[node] != index[node]) return;
            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != node);
            if (component.Count > 1) components.Add(component.Order(StringComparer.Ordinal).ToArray());
        }

        // Recursion depth is at most the number of namespaces of one assembly (tens).
        foreach (var node in nodes)
        {
            if (!index.ContainsKey(node)) Visit(node);
        }
        return components.OrderBy(c => c[0], StringComparer.Ordinal).ToArray();
    }
}
