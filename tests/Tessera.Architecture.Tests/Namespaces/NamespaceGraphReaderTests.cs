namespace Tessera.Architecture.Tests.Namespaces;

/// <summary>The reader on this test assembly's own <c>Fixture</c> namespaces (ReaderFixture.cs),
/// whose uses are known from their source.</summary>
public sealed class NamespaceGraphReaderTests
{
    private const string Fixture = "Tessera.Architecture.Tests.Fixture.";
    private const string Item = Fixture + "Target.Item";

    private static NamespaceGraph Graph { get; } = NamespaceGraphReader.Read(typeof(NamespaceGraphReaderTests).Assembly.Location);

    [Theory]
    [InlineData("ByBase", "User", Fixture + "Target.BaseClass", "base type")]
    [InlineData("ByInterface", "User", Fixture + "Target.IMarker", "interface")]
    [InlineData("ByFieldTypeArgument", "User", Item, "field items")]
    [InlineData("ByCall", "User", Item, "method Call body")]
    [InlineData("ByTypeof", "User", Item, "method Token body")]
    [InlineData("ByGenericMethodArgument", "User", Item, "method Call body")]
    public void FindsTheUse(string ns, string user, string used, string where)
    {
        var example = Graph.Example(Fixture + ns, Fixture + "Target");

        Assert.Equal(new TypeUse($"{Fixture}{ns}.{user}", used, where), example);
    }

    /// <summary>The compiler puts a lambda's body in a nested display class and an async method's in a
    /// nested state machine; both count in the namespace of the type they are written in.</summary>
    [Theory]
    [InlineData("ByClosure")]
    [InlineData("ByAsync")]
    public void CountsGeneratedNestedTypesInTheirEnclosingNamespace(string ns)
    {
        var example = Graph.Example(Fixture + ns, Fixture + "Target");

        Assert.NotNull(example);
        Assert.StartsWith($"{Fixture}{ns}.User+", example.User);
        Assert.Equal(Item, example.Used);
    }

    [Fact]
    public void TheUsedNamespaceUsesNothing()
    {
        Assert.Empty(Graph.Successors(Fixture + "Target"));
    }

    [Fact]
    public void FindsTheFixtureCycle()
    {
        var cycle = Assert.Single(NamespaceCycle.Find("fixture", Graph), c => c.Namespaces.Any(n => n.StartsWith(Fixture, StringComparison.Ordinal)));

        Assert.Equal($"{Fixture}CycleA <-> {Fixture}CycleB", cycle.Key);
        Assert.Equal(2, cycle.Edges.Count);
        Assert.Equal(Fixture + "CycleB.Right", cycle.Edges[0].Example.Used);
        Assert.Equal(Fixture + "CycleA.Left", cycle.Edges[1].Example.Used);
    }
}
