using System.Text;

namespace Tessera.Wasm.Text;

/// <summary>The class of an <see cref="SAtom"/>.</summary>
internal enum AtomKind : byte
{
    /// <summary>A token starting with a letter a-z made of identifier characters, other than the
    /// float literals <c>inf</c>, <c>nan</c> and <c>nan:0x...</c> (which are <see cref="Number"/>s).
    /// <c>nan:canonical</c> and <c>nan:arithmetic</c> are keywords.</summary>
    Keyword,
    /// <summary><c>$name</c> or <c>$"name"</c>; see <see cref="SAtom.IdName"/>.</summary>
    Id,
    /// <summary>A string literal; its decoded bytes are <see cref="SAtom.StringBytes"/>.</summary>
    String,
    /// <summary>Text that is syntactically a numeric literal (see <see cref="NumericLiteral.Classify"/>):
    /// optional sign, then a decimal or <c>0x</c> integer or float, <c>inf</c>, <c>nan</c> or
    /// <c>nan:0x...</c>. Its range is checked only where a value of a given type is read.</summary>
    Number,
    /// <summary>Any other token; never valid in a module ("unknown operator").</summary>
    Reserved,
}

/// <summary>A node of the S-expression tree a text module or script is read into.</summary>
internal abstract class SExpr
{
    private protected SExpr(TextPosition position) => Position = position;

    /// <summary>Where the node starts: its first character, or its opening parenthesis.</summary>
    public TextPosition Position { get; }

    /// <summary>Appends the text of <paramref name="root"/> to <paramref name="b"/>, stopping once
    /// <paramref name="b"/> holds <paramref name="maxLength"/> characters or more. Iterative, so a
    /// tree nested <see cref="TextLimits.MaxNestingDepth"/> deep renders on any thread's stack, and
    /// an error message that shows a few characters of a large list does not render all of it.</summary>
    internal static void Render(SExpr root, StringBuilder b, int maxLength)
    {
        var open = new Stack<(SList List, int Next)>();
        SExpr? e = root;
        while (e is not null && b.Length < maxLength)
        {
            if (e is SList opened)
            {
                b.Append('(');
                open.Push((opened, 0));
            }
            else
            {
                b.Append(((SAtom)e).Text);
            }
            e = null;
            while (e is null && open.Count > 0)
            {
                var (list, next) = open.Pop();
                if (next == list.Items.Count)
                {
                    b.Append(')');
                    continue;
                }
                if (next > 0) b.Append(' ');
                open.Push((list, next + 1));
                e = list.Items[next];
            }
        }
    }

    /// <summary>Reads every top-level S-expression of <paramref name="text"/>.</summary>
    /// <param name="text">The source text.</param>
    /// <param name="source">A file name or label for error messages.</param>
    /// <exception cref="WatSyntaxException">The text does not lex, or its parentheses do not balance.</exception>
    public static IReadOnlyList<SExpr> ParseAll(string text, string? source = null)
    {
        var items = ParsePrefix(text, source, out var strayParen);
        return strayParen is null ? items : throw strayParen;
    }

    /// <summary>Like <see cref="ParseAll"/>, but a stray <c>)</c> at the top level ends the input and is
    /// returned as <paramref name="strayParen"/> with the complete expressions before it, so that a
    /// caller can report an earlier error first, as a left-to-right parser would.</summary>
    internal static IReadOnlyList<SExpr> ParsePrefix(string text, string? source, out WatSyntaxException? strayParen)
    {
        strayParen = null;
        if (text.Length > TextLimits.MaxTextLength) throw TextLimits.TooLarge(text.Length, source);
        var lexer = new Lexer(text, source);
        var items = new List<SExpr>();
        var stack = new Stack<(TextPosition Start, List<SExpr> Items)>();
        while (true)
        {
            var token = lexer.Next();
            switch (token.Kind)
            {
                case TokenKind.EndOfInput:
                    if (stack.Count > 0) throw new WatSyntaxException("unexpected end of input", token.Position, $"missing ')' for the list opened at {stack.Peek().Start}", source);
                    return items;
                case TokenKind.LeftParen:
                    if (stack.Count >= TextLimits.MaxNestingDepth)
                        throw new WatSyntaxException(TextLimits.NestingRule, token.Position, $"more than {TextLimits.MaxNestingDepth:N0} nested lists; TextLimits.MaxNestingDepth", source);
                    stack.Push((token.Position, items));
                    items = new List<SExpr>();
                    break;
                case TokenKind.RightParen:
                    if (stack.Count == 0)
                    {
                        strayParen = new WatSyntaxException("unexpected token", token.Position, "unbalanced ')'", source);
                        return items;
                    }
                    var (start, outer) = stack.Pop();
                    outer.Add(new SList(start, items));
                    items = outer;
                    break;
                default:
                    items.Add(new SAtom(token));
                    break;
            }
        }
    }
}

/// <summary>A parenthesized list.</summary>
internal sealed class SList : SExpr
{
    /// <summary>Creates a list starting at <paramref name="position"/> (its opening parenthesis).</summary>
    public SList(TextPosition position, IReadOnlyList<SExpr> items) : base(position) => Items = items;

    /// <summary>The elements between the parentheses.</summary>
    public IReadOnlyList<SExpr> Items { get; }

    /// <summary>The first element when it is a keyword (<c>func</c> in <c>(func ...)</c>), else null.</summary>
    public string? Head => Items.Count > 0 && Items[0] is SAtom { Kind: AtomKind.Keyword } a ? a.Text : null;

    /// <summary>Renders the list back to text (normalized spacing, atoms as written).</summary>
    public override string ToString()
    {
        var b = new StringBuilder();
        Render(this, b, int.MaxValue);
        return b.ToString();
    }
}

/// <summary>A single token other than a parenthesis.</summary>
internal sealed class SAtom : SExpr
{
    /// <summary>Creates an atom from a lexer token.</summary>
    public SAtom(Token token) : base(token.Position)
    {
        Kind = token.Kind switch
        {
            TokenKind.Keyword => AtomKind.Keyword,
            TokenKind.Id => AtomKind.Id,
            TokenKind.String => AtomKind.String,
            TokenKind.Number => AtomKind.Number,
            TokenKind.Reserved => AtomKind.Reserved,
            _ => throw new ArgumentException("parentheses and the end of input are not atoms", nameof(token)),
        };
        Text = token.Text;
        StringBytes = token.StringBytes;
    }

    /// <summary>The atom's class.</summary>
    public AtomKind Kind { get; }

    /// <summary>The raw token text as written (strings keep their quotes and escapes).</summary>
    public string Text { get; }

    /// <summary>For a <see cref="AtomKind.String"/>, its decoded bytes; for a quoted id
    /// (<c>$"..."</c>), the bytes of its name; otherwise null.</summary>
    public byte[]? StringBytes { get; }

    /// <summary>For an <see cref="AtomKind.Id"/>, its name without the <c>$</c> (quoted ids are
    /// decoded, so <c>$a</c> and <c>$"a"</c> have the same name); otherwise null.</summary>
    public string? IdName => Kind != AtomKind.Id ? null : StringBytes is { } b ? Encoding.UTF8.GetString(b) : Text[1..];

    /// <summary>Whether this is the keyword <paramref name="keyword"/>.</summary>
    public bool IsKeyword(string keyword) => Kind == AtomKind.Keyword && Text == keyword;

    /// <inheritdoc/>
    public override string ToString() => Text;
}
