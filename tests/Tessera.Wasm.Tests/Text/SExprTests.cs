using Tessera.Wasm.Text;

namespace Tessera.Wasm.Tests.Text;

public class SExprTests
{
    [Fact]
    public void BuildsNestedLists()
    {
        var all = SExpr.ParseAll("(module (func $f (param i32)) \"x\") 42");
        Assert.Equal(2, all.Count);
        var module = Assert.IsType<SList>(all[0]);
        Assert.Equal("module", module.Head);
        Assert.Equal("(module (func $f (param i32)) \"x\")", module.ToString());
        var func = Assert.IsType<SList>(module.Items[1]);
        Assert.Equal(new TextPosition(1, 9, 8), func.Position);
        var s = Assert.IsType<SAtom>(module.Items[2]);
        Assert.Equal(AtomKind.String, s.Kind);
        Assert.Equal("x"u8.ToArray(), s.StringBytes);
        Assert.Equal(AtomKind.Number, Assert.IsType<SAtom>(all[1]).Kind);
    }

    [Fact]
    public void UnbalancedParenthesesAreErrorsWithPositions()
    {
        var open = Assert.Throws<WatSyntaxException>(() => SExpr.ParseAll("(a\n (b)"));
        Assert.Contains("1:1", open.Message);
        var close = Assert.Throws<WatSyntaxException>(() => SExpr.ParseAll("(a))"));
        Assert.Equal("unexpected token", close.Rule);
        Assert.Equal(new TextPosition(1, 4, 3), close.Position);
    }
}
