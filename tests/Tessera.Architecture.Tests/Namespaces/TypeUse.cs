namespace Tessera.Architecture.Tests.Namespaces;

/// <summary>One type using another: the evidence for an edge between their namespaces.</summary>
/// <param name="User">The using type's full name (nested types as <c>Outer+Inner</c>).</param>
/// <param name="Used">The used type's full name.</param>
/// <param name="Where">Where the use is: "base type", "field F", "method M body", and so on.</param>
internal sealed record TypeUse(string User, string Used, string Where)
{
    public override string ToString() => $"{User} uses {Used} ({Where})";
}
