namespace Tessera.Architecture.Tests.Layers;

/// <summary>One rung of the layer order: its name and the projects on it (none for a layer with no
/// project of ours yet).</summary>
internal sealed record Layer(string Name, IReadOnlyList<string> Projects);
