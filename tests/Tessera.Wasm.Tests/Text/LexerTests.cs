using Tessera.Wasm.Text;

namespace Tessera.Wasm.Tests.Text;

public class LexerTests
{
    private static List<Token> Lex(string text)
    {
        var lexer = new Lexer(text);
        var tokens = new List<Token>();
        for (var t = lexer.Next(); t.Kind != TokenKind.EndOfInput; t = lexer.Next()) tokens.Add(t);
        return tokens;
    }

    private static string Kinds(string text) => string.Join(' ', Lex(text).Select(t => $"{t.Kind}:{t.Text}"));

    private static WatSyntaxException Fails(string text) => Assert.Throws<WatSyntaxException>(() => Lex(text));

    [Fact]
    public void ClassifiesTokens()
    {
        Assert.Equal(
            "LeftParen:( Keyword:module Id:$m String:\"s\" Number:-0x1.8p3 Number:inf Number:nan:0x1 Keyword:nan:canonical Reserved:0x RightParen:)",
            Kinds("(module $m \"s\" -0x1.8p3 inf nan:0x1 nan:canonical 0x)"));
    }

    [Fact]
    public void LongestMatchMakesGluedTokensReserved()
    {
        // Spec 6.3.2: "0$x" and "\"a\"\"b\"" are single reserved tokens.
        Assert.Equal("Reserved:0$x Reserved:\"a\"\"b\" Reserved:1_ Reserved:$a\"b\"", Kinds("0$x \"a\"\"b\" 1_ $a\"b\""));
        Assert.Equal("Keyword:i32.const0 Reserved:Abc", Kinds("i32.const0 Abc"));
    }

    [Fact]
    public void SkipsCommentsAndAnnotations()
    {
        Assert.Equal("LeftParen:( Keyword:module RightParen:)",
            Kinds("( ;;c\nmodule;;comment\n)(;a(;nested;)b;)(@a x \")\" (;)\";) (y) (@) ;; )\n)"));
        Assert.Equal("Keyword:a Keyword:b", Kinds("a;;c\rb"));
    }

    [Fact]
    public void TracksLinesAndColumns()
    {
        var tokens = Lex("(a\n  b\r\n\tc\rd)");
        Assert.Equal(new TextPosition(1, 1, 0), tokens[0].Position);
        Assert.Equal(new TextPosition(1, 2, 1), tokens[1].Position);
        Assert.Equal(new TextPosition(2, 3, 5), tokens[2].Position);
        Assert.Equal(new TextPosition(3, 2, 9), tokens[3].Position);
        Assert.Equal(new TextPosition(4, 1, 11), tokens[4].Position);
        Assert.Equal(new TextPosition(4, 2, 12), tokens[5].Position);
    }

    [Fact]
    public void DecodesStringEscapes()
    {
        var t = Assert.Single(Lex("\"a\\t\\n\\r\\\"\\'\\\\\\00\\fF\\u{48}\\u{e9}\\u{1F600}\\u{1_0000}é\""));
        Assert.Equal(TokenKind.String, t.Kind);
        byte[] expected = [(byte)'a', 9, 10, 13, 0x22, 0x27, 0x5C, 0x00, 0xFF, 0x48, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80, 0xF0, 0x90, 0x80, 0x80, 0xC3, 0xA9];
        Assert.Equal(expected, t.StringBytes);
    }

    [Fact]
    public void QuotedIdsHaveDecodedNames()
    {
        var atoms = SExpr.ParseAll("$abc $\"abc\" $\"a b\\41\"");
        Assert.Equal(["abc", "abc", "a bA"], atoms.Select(a => ((SAtom)a).IdName));
    }

    [Theory]
    [InlineData("\"abc", "unclosed string")]
    [InlineData("\"a\nb\"", "unclosed string")]
    [InlineData("\"\\q\"", "illegal escape")]
    [InlineData("\"\\u{d800}\"", "illegal escape")]
    [InlineData("\"\\u{110000}\"", "illegal escape")]
    [InlineData("\"\\4\"", "illegal escape")]
    [InlineData("a \u0001", "illegal character")]
    [InlineData("a \u007f", "illegal character")]
    [InlineData("Heiße", "illegal character")]
    [InlineData("(; a (; b ;)", "unclosed comment")]
    [InlineData("(@x (y)", "unclosed annotation")]
    [InlineData("(@x (;", "unclosed annotation")]
    [InlineData("(@a \u0001)", "illegal character")]
    [InlineData("(@)", "empty annotation id")]
    [InlineData("(@ x)", "empty annotation id")]
    [InlineData("(@\"\")", "empty annotation id")]
    [InlineData("(@\"\\ef\")", "malformed UTF-8 encoding")]
    [InlineData("(func $)", "empty identifier")]
    [InlineData("$\"\"", "empty identifier")]
    [InlineData("$\"a\nb\"", "empty identifier")]
    [InlineData("$\"\\ef\"", "malformed UTF-8 encoding")]
    public void RejectsMalformedText(string text, string rule)
    {
        Assert.Equal(rule, Fails(text).Rule);
    }

    [Fact]
    public void ErrorsCarryPosition()
    {
        var e = Fails("(a\n  \"open");
        Assert.Equal(new TextPosition(2, 3, 5), e.Position);
        Assert.Contains("2:3", e.Message);
    }
}
