namespace Tessera.Architecture.Tests.Namespaces;

/// <summary>Compares the cycles found with the known ones.</summary>
internal static class NamespaceCycleCheck
{
    /// <summary>One message per cycle found but not known (with its edges and examples) and per known
    /// cycle not found (stale).</summary>
    public static IReadOnlyList<string> Failures(IReadOnlyList<NamespaceCycle> found, IReadOnlyList<KnownNamespaceCycles.Known> known)
    {
        var failures = new List<string>();
        foreach (var cycle in found)
        {
            if (!known.Any(k => k.Assembly == cycle.Assembly && k.Key == cycle.Key))
            {
                failures.Add("new namespace cycle in " + cycle.Describe());
            }
        }
        foreach (var k in known)
        {
            if (!found.Any(c => c.Assembly == k.Assembly && c.Key == k.Key))
            {
                var now = found.Where(c => c.Assembly == k.Assembly).Select(c => c.Key).ToArray();
                failures.Add($"known namespace cycle in {k.Assembly} no longer exists as listed: {k.Key}; remove or update its entry in KnownNamespaceCycles"
                    + (now.Length == 0 ? $" ({k.Assembly} has no cycle now)" : $" ({k.Assembly}'s cycles now: {string.Join("; ", now)})"));
            }
        }
        return failures;
    }
}
