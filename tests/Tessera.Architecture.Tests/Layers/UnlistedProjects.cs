namespace Tessera.Architecture.Tests.Layers;

/// <summary>
/// Projects of <c>src/</c> that DESIGN.md's layer table does not name, each placed on a layer of its
/// own just above a named project, with the reason. An entry whose project DESIGN.md comes to name
/// fails <see cref="LayerOrderTests"/>, so this list cannot go stale.
/// </summary>
internal static class UnlistedProjects
{
    /// <summary>A project's explicit place: its own layer, directly above <paramref name="Above"/>'s.</summary>
    public sealed record Placement(string Project, string Above, string Reason);

    public static readonly IReadOnlyList<Placement> All =
    [
        new("Tessera.Wasm.Wast", Above: "Tessera.Wasm",
            Reason: "the WAST script runner: a tool over the engine (DESIGN.md: \"the WAST runner lives outside the packed engine\"), used by `tessera wast` and the tests"),
    ];

    /// <summary>DESIGN.md's order with every placement inserted.</summary>
    public static LayerOrder PlaceIn(LayerOrder designOrder) =>
        All.Aggregate(designOrder, (order, p) => order.InsertAbove(p.Above, new Layer($"{p.Project} (above {p.Above}: {p.Reason})", [p.Project])));
}
