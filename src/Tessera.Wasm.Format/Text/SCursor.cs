using System.Diagnostics.CodeAnalysis;
using System.Text;
using Tessera.Wasm.Binary;

namespace Tessera.Wasm.Text;

/// <summary>
/// Reads the elements of one <see cref="SList"/> left to right; the shared parsing primitive of the
/// script reader and the assembler. Errors name the element where parsing stopped.
/// </summary>
internal sealed class SCursor
{
    private readonly SList _list;
    private int _index;

    public SCursor(SList list, string? source, int start = 0)
    {
        _list = list;
        Source = source;
        _index = start;
    }

    public string? Source { get; }
    public SList List => _list;
    public int Index => _index;
    public bool AtEnd => _index >= _list.Items.Count;
    public SExpr? Peek(int ahead = 0) => _index + ahead < _list.Items.Count ? _list.Items[_index + ahead] : null;

    /// <summary>Where the next element starts, or the closing parenthesis when there is none.</summary>
    public TextPosition Position => Peek()?.Position ?? _list.Position;

    public SExpr Next() => Peek() is { } e ? Advance(e) : throw UnexpectedEnd();

    /// <summary>Steps past <paramref name="e"/>, the element at the cursor.</summary>
    private T Advance<T>(T e) where T : SExpr
    {
        _index++;
        return e;
    }

    public bool PeekKeyword(string keyword) => Peek() is SAtom a && a.IsKeyword(keyword);

    public bool PeekAtom(AtomKind kind) => Peek() is SAtom a && a.Kind == kind;

    /// <summary>Whether the next element is a list headed by <paramref name="head"/>.</summary>
    public bool PeekList(string head) => Peek() is SList l && l.Head == head;

    public bool TryKeyword(string keyword)
    {
        if (!PeekKeyword(keyword)) return false;
        _index++;
        return true;
    }

    public void ExpectKeyword(string keyword)
    {
        if (!TryKeyword(keyword)) throw Unexpected();
    }

    public bool TryAtom(AtomKind kind, [NotNullWhen(true)] out SAtom? atom)
    {
        atom = Peek() is SAtom a && a.Kind == kind ? Advance(a) : null;
        return atom is not null;
    }

    public SAtom ExpectAtom(AtomKind kind) => TryAtom(kind, out var a) ? a : throw Unexpected();

    /// <summary>Consumes an optional <c>$id</c> and returns its name.</summary>
    public string? TryId() => TryAtom(AtomKind.Id, out var a) ? a.IdName : null;

    public bool TryList(string head, [NotNullWhen(true)] out SList? list)
    {
        list = Peek() is SList l && l.Head == head ? Advance(l) : null;
        return list is not null;
    }

    public SList ExpectList() => Peek() is SList l ? Advance(l) : throw Unexpected();

    /// <summary>A string literal's bytes.</summary>
    public byte[] ExpectString() => ExpectAtom(AtomKind.String).StringBytes!;

    /// <summary>A string literal that must be valid UTF-8 (a name).</summary>
    public string ExpectName()
    {
        var atom = ExpectAtom(AtomKind.String);
        return DecodeName(atom, Source);
    }

    public static string DecodeName(SAtom atom, string? source)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(atom.StringBytes!);
        }
        catch (DecoderFallbackException)
        {
            throw new WatSyntaxException("malformed UTF-8 encoding", atom.Position, null, source);
        }
    }

    public void ExpectEnd()
    {
        if (!AtEnd) throw Unexpected();
    }

    public WatSyntaxException Unexpected() => Peek() is { } e ? Unexpected(e, Source) : UnexpectedEnd();

    public WatSyntaxException UnexpectedEnd() =>
        new("unexpected token", _list.Position, $"the list opened here ends too early: {Abbreviate(_list)}", Source);

    public WatSyntaxException Error(string rule, SExpr at, string? detail = null) => new(rule, at.Position, detail, Source);

    /// <summary>
    /// The error for an element the grammar does not allow here. Like the reference interpreter,
    /// whose lexer knows every keyword, a reserved token or a keyword that appears nowhere in the
    /// grammar is an "unknown operator"; anything else is an "unexpected token".
    /// </summary>
    public static WatSyntaxException Unexpected(SExpr at, string? source)
    {
        if (at is SAtom { Kind: AtomKind.Reserved } || at is SAtom { Kind: AtomKind.Keyword } k && !Keywords.IsKnown(k.Text))
            return UnknownOperator((SAtom)at, source);
        if (at is SList { Items: [SAtom { Kind: AtomKind.Reserved } or SAtom { Kind: AtomKind.Keyword }, ..] } l && !Keywords.IsKnown(((SAtom)l.Items[0]).Text))
            return UnknownOperator((SAtom)l.Items[0], source);
        return new WatSyntaxException("unexpected token", at.Position, Abbreviate(at), source);
    }

    /// <summary>"unknown operator" followed by the token, as the 3.0 reference interpreter words it
    /// (the 2.0 suite expects the prefix only).</summary>
    private static WatSyntaxException UnknownOperator(SAtom token, string? source) =>
        new("unknown operator " + token.Text, token.Position, null, source);

    private static string Abbreviate(SExpr e)
    {
        var b = new StringBuilder();
        SExpr.Render(e, b, 61);
        return b.Length <= 60 ? b.ToString() : b.ToString(0, 57) + "...";
    }
}

/// <summary>The keywords of the text and script grammars, for telling "unknown operator" from
/// "unexpected token".</summary>
internal static class Keywords
{
    private static readonly HashSet<string> Grammar = new(StringComparer.Ordinal)
    {
        "module", "type", "func", "param", "result", "local", "import", "export", "table", "memory",
        "global", "elem", "data", "start", "offset", "item", "declare", "mut", "then", "else", "end",
        "block", "loop", "if", "i32", "i64", "f32", "f64", "v128", "funcref", "externref", "anyref",
        "eqref", "i31ref", "structref", "arrayref", "nullref", "nullfuncref", "nullexternref", "exnref",
        "nullexnref", "ref", "null", "extern", "any", "eq", "i31", "struct", "array", "exn", "none",
        "nofunc", "noextern", "noexn", "field", "sub", "final", "rec", "tag", "shared", "pagesize",
        "i8", "i16", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2", "catch", "catch_ref",
        "catch_all", "catch_all_ref", "binary", "quote", "definition", "instance", "register", "invoke",
        "get", "assert_return", "assert_trap", "assert_exhaustion", "assert_exception",
        "assert_malformed", "assert_invalid", "assert_unlinkable", "assert_uninstantiable",
        "assert_malformed_custom", "assert_invalid_custom", "nan:canonical", "nan:arithmetic",
        "either", "ref.extern", "ref.host", "ref.i31", "ref.struct", "ref.array", "ref.eq", "ref.any",
        "ref.exn", "script", "input", "output", "thread", "wait", "do", "descriptor", "describes",
    };

    public static bool IsKnown(string keyword)
    {
        if (Grammar.Contains(keyword) || OpcodeTable.TryGetByName(keyword, out _)) return true;
        if (keyword.StartsWith("offset=", StringComparison.Ordinal)) return NumericLiteral.TryParseU64(keyword[7..], out _);
        if (keyword.StartsWith("align=", StringComparison.Ordinal)) return NumericLiteral.TryParseU64(keyword[6..], out _);
        return false;
    }
}
