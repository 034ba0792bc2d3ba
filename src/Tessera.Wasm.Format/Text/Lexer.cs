using System.Text;
using System.Text.Unicode;

namespace Tessera.Wasm.Text;

/// <summary>The class of a <see cref="Token"/> (spec 6.3.2, text format tokens).</summary>
internal enum TokenKind : byte
{
    /// <summary><c>(</c></summary>
    LeftParen,
    /// <summary><c>)</c></summary>
    RightParen,
    /// <summary>Starts with a letter a-z; see <see cref="AtomKind.Keyword"/>.</summary>
    Keyword,
    /// <summary><c>$name</c> or <c>$"name"</c>.</summary>
    Id,
    /// <summary>A string literal; <see cref="Token.StringBytes"/> holds its bytes.</summary>
    String,
    /// <summary>Syntactically a number; see <see cref="AtomKind.Number"/>.</summary>
    Number,
    /// <summary>Any other run of token characters; never valid in a module.</summary>
    Reserved,
    /// <summary>No more tokens.</summary>
    EndOfInput,
}

/// <summary>One token of WebAssembly text.</summary>
/// <param name="Kind">Its class.</param>
/// <param name="Text">The raw source characters of the token (empty at the end of input).</param>
/// <param name="Position">Where the token starts.</param>
/// <param name="StringBytes">For strings, the decoded content; for quoted ids (<c>$"..."</c>), the
/// decoded name; otherwise null.</param>
internal readonly record struct Token(TokenKind Kind, string Text, TextPosition Position, byte[]? StringBytes);

/// <summary>
/// Splits WebAssembly text into tokens (spec 6.3, lexical format). White space, line comments
/// (<c>;;</c>), nested block comments (<c>(; ;)</c>) and annotations (<c>(@id ...)</c>, balanced,
/// with strings and comments inside respected) are skipped.
/// </summary>
/// <remarks>
/// Tokens follow the longest-match rule: a token is a maximal run of identifier characters, strings
/// and the reserved punctuation <c>, [ ] { } ;</c> (a <c>;</c> only when no line comment starts
/// there), so <c>0$x</c> and <c>"a""b"</c> are single reserved tokens. Outside strings and comments
/// only printable ASCII, space, tab, line feed, carriage return and U+0085 may appear; anything else
/// is an "illegal character". Errors are <see cref="WatSyntaxException"/>s whose rules are the
/// messages the specification's test suite expects.
/// </remarks>
internal sealed class Lexer
{
    private readonly string _text;
    private readonly string? _source;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    /// <summary>Creates a lexer over <paramref name="text"/>.</summary>
    /// <param name="text">The source text.</param>
    /// <param name="source">A file name or other label used in error messages.</param>
    public Lexer(string text, string? source = null)
    {
        _text = text;
        _source = source;
    }

    /// <summary>The label given at construction, used in error messages.</summary>
    public string? Source => _source;

    /// <summary>The position of the next character to be read.</summary>
    public TextPosition Position => new(_line, _pos - _lineStart + 1, _pos);

    /// <summary>Reads the next token, or a <see cref="TokenKind.EndOfInput"/> token at the end.</summary>
    /// <exception cref="WatSyntaxException">The text is lexically malformed.</exception>
    public Token Next()
    {
        SkipSpace();
        var start = Position;
        if (_pos >= _text.Length) return new Token(TokenKind.EndOfInput, "", start, null);
        var c = _text[_pos];
        if (c == '(')
        {
            _pos++;
            return new Token(TokenKind.LeftParen, "(", start, null);
        }
        if (c == ')')
        {
            _pos++;
            return new Token(TokenKind.RightParen, ")", start, null);
        }
        if (!IsRunChar(_pos)) throw Error("illegal character", start, Describe(c));
        return ReadRun(start);
    }

    /// <summary>Whether <paramref name="c"/> is an identifier character (spec: idchar).</summary>
    public static bool IsIdChar(char c) => c < 128 && IdChars[c];

    private static readonly bool[] IdChars = BuildIdChars();

    private static bool[] BuildIdChars()
    {
        var t = new bool[128];
        for (var c = '0'; c <= '9'; c++) t[c] = true;
        for (var c = 'a'; c <= 'z'; c++) t[c] = true;
        for (var c = 'A'; c <= 'Z'; c++) t[c] = true;
        foreach (var c in "!#$%&'*+-./:<=>?@\\^_`|~") t[c] = true;
        return t;
    }

    private bool IsRunChar(int i)
    {
        var c = _text[i];
        if (IsIdChar(c) || c is '"' or ',' or '[' or ']' or '{' or '}') return true;
        return c == ';' && !(i + 1 < _text.Length && _text[i + 1] == ';');
    }

    /// <summary>Reads one maximal run of token characters and classifies it.</summary>
    private Token ReadRun(TextPosition start)
    {
        var begin = _pos;
        var strings = 0;
        var onlyIdChars = true;
        byte[]? lastString = null;
        if (_text[_pos] == '$' && _pos + 1 < _text.Length && _text[_pos + 1] == '"')
        {
            // A quoted id: a string that fails to lex makes it an empty identifier, as in the
            // reference interpreter ("$\"a<newline>b\"").
            _pos++;
            try
            {
                lastString = ReadString();
            }
            catch (WatSyntaxException)
            {
                throw Error("empty identifier", start);
            }
            strings++;
            onlyIdChars = false;
        }
        while (_pos < _text.Length && IsRunChar(_pos))
        {
            if (_text[_pos] == '"')
            {
                lastString = ReadString();
                strings++;
                onlyIdChars = false;
                continue;
            }
            if (!IsIdChar(_text[_pos])) onlyIdChars = false;
            _pos++;
        }
        var text = _text.Substring(begin, _pos - begin);
        var first = text[0];
        if (first == '"' && strings == 1 && text[^1] == '"' && IsSingleString(text))
            return new Token(TokenKind.String, text, start, lastString);
        if (first == '$')
        {
            if (text.Length == 1) throw Error("empty identifier", start);
            if (onlyIdChars) return new Token(TokenKind.Id, text, start, null);
            if (strings == 1 && text[1] == '"' && text[^1] == '"' && IsSingleString(text.AsSpan(1)))
            {
                if (lastString!.Length == 0) throw Error("empty identifier", start);
                if (!Utf8.IsValid(lastString)) throw Error("malformed UTF-8 encoding", start);
                return new Token(TokenKind.Id, text, start, lastString);
            }
            return new Token(TokenKind.Reserved, text, start, null);
        }
        if (onlyIdChars && NumericLiteral.Classify(text) != NumberShape.None)
            return new Token(TokenKind.Number, text, start, null);
        if (onlyIdChars && first is >= 'a' and <= 'z') return new Token(TokenKind.Keyword, text, start, null);
        return new Token(TokenKind.Reserved, text, start, null);
    }

    /// <summary>Whether <paramref name="text"/>, known to start and end with a quote, is one string
    /// rather than several glued together (<c>"a""b"</c>).</summary>
    private static bool IsSingleString(ReadOnlySpan<char> text)
    {
        for (var i = 1; i < text.Length - 1; i++)
        {
            if (text[i] == '\\') i++;
            else if (text[i] == '"') return false;
        }
        return true;
    }

    /// <summary>Reads a string literal starting at the opening quote; returns its bytes.</summary>
    private byte[] ReadString()
    {
        var start = Position;
        _pos++; // opening quote
        var bytes = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];
        while (true)
        {
            if (_pos >= _text.Length) throw Error("unclosed string", start);
            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return bytes.ToArray();
            }
            if (c < 0x20 || c == 0x7F) throw Error("unclosed string", start, Describe(c));
            if (c == '\\')
            {
                ReadEscape(bytes);
                continue;
            }
            if (char.IsSurrogate(c))
            {
                if (!char.IsHighSurrogate(c) || _pos + 1 >= _text.Length || !char.IsLowSurrogate(_text[_pos + 1]))
                    throw Error("malformed UTF-8 encoding", Position, "unpaired surrogate");
                var n = new Rune(c, _text[_pos + 1]).EncodeToUtf8(utf8);
                for (var k = 0; k < n; k++) bytes.Add(utf8[k]);
                _pos += 2;
                continue;
            }
            var m = new Rune(c).EncodeToUtf8(utf8);
            for (var k = 0; k < m; k++) bytes.Add(utf8[k]);
            _pos++;
        }
    }

    private void ReadEscape(List<byte> bytes)
    {
        var at = Position;
        _pos++; // backslash
        if (_pos >= _text.Length) throw Error("unclosed string", at);
        var c = _text[_pos++];
        switch (c)
        {
            case 't': bytes.Add(0x09); return;
            case 'n': bytes.Add(0x0A); return;
            case 'r': bytes.Add(0x0D); return;
            case '"': bytes.Add(0x22); return;
            case '\'': bytes.Add(0x27); return;
            case '\\': bytes.Add(0x5C); return;
            case 'u':
                ReadUnicodeEscape(bytes, at);
                return;
        }
        var hi = HexValue(c);
        var lo = _pos < _text.Length ? HexValue(_text[_pos]) : -1;
        if (hi < 0 || lo < 0) throw Error("illegal escape", at, "\\" + c);
        _pos++;
        bytes.Add((byte)(hi * 16 + lo));
    }

    private void ReadUnicodeEscape(List<byte> bytes, TextPosition at)
    {
        // \u{hexnum}: the value must be a Unicode scalar value.
        if (_pos >= _text.Length || _text[_pos] != '{') throw Error("illegal escape", at, "\\u");
        var close = _text.IndexOf('}', _pos);
        if (close < 0) throw Error("illegal escape", at, "\\u");
        var digits = _text.Substring(_pos + 1, close - _pos - 1);
        if (!NumericLiteral.TryParseHexNum(digits, out var value) || value > 0x10FFFF || value is >= 0xD800 and < 0xE000)
            throw Error("illegal escape", at, "\\u{" + digits + "}");
        _pos = close + 1;
        Span<byte> utf8 = stackalloc byte[4];
        var n = new Rune((int)value).EncodeToUtf8(utf8);
        for (var k = 0; k < n; k++) bytes.Add(utf8[k]);
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Skips white space, comments and (outside annotations) annotations.</summary>
    private void SkipSpace(bool inAnnotation = false)
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c is ' ' or '\t') _pos++;
            else if (c is '\n' or '\r' or '\u0085') NewLine();
            else if (c == ';' && Peek(1) == ';') SkipLineComment();
            else if (c == '(' && Peek(1) == ';') SkipBlockComment();
            else if (c == '(' && Peek(1) == '@' && !inAnnotation) SkipAnnotation();
            else return;
        }
    }

    private char Peek(int ahead) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    /// <summary>Consumes one newline (LF, CR, CR LF or NEL) and starts a new line.</summary>
    private void NewLine()
    {
        if (_text[_pos] == '\r' && Peek(1) == '\n') _pos++;
        _pos++;
        _line++;
        _lineStart = _pos;
    }

    private void SkipLineComment()
    {
        while (_pos < _text.Length && _text[_pos] is not ('\n' or '\r' or '\u0085')) _pos++;
    }

    private void SkipBlockComment()
    {
        var start = Position;
        _pos += 2;
        var depth = 1;
        while (depth > 0)
        {
            if (_pos >= _text.Length) throw Error("unclosed comment", start);
            var c = _text[_pos];
            if (c == '(' && Peek(1) == ';')
            {
                depth++;
                _pos += 2;
            }
            else if (c == ';' && Peek(1) == ')')
            {
                depth--;
                _pos += 2;
            }
            else if (c is '\n' or '\r' or '\u0085') NewLine();
            else _pos++;
        }
    }

    /// <summary>Skips <c>(@id ...)</c>: the id is checked, then tokens are read and dropped until
    /// the matching parenthesis. Nested parentheses (including nested <c>(@</c>) need no id.</summary>
    private void SkipAnnotation()
    {
        var start = Position;
        _pos += 2;
        if (_pos >= _text.Length || !IsRunChar(_pos)) throw Error("empty annotation id", start);
        if (_text[_pos] == '"')
        {
            byte[] id;
            try
            {
                id = ReadString();
            }
            catch (WatSyntaxException)
            {
                throw Error("empty annotation id", start);
            }
            if (id.Length == 0) throw Error("empty annotation id", start);
            if (!Utf8.IsValid(id)) throw Error("malformed UTF-8 encoding", start);
        }
        var depth = 1;
        while (true)
        {
            try
            {
                SkipSpace(inAnnotation: true);
            }
            catch (WatSyntaxException e) when (e.Rule == "unclosed comment")
            {
                throw Error("unclosed annotation", start);
            }
            if (_pos >= _text.Length) throw Error("unclosed annotation", start);
            var c = _text[_pos];
            if (c == '(') { depth++; _pos++; }
            else if (c == ')')
            {
                _pos++;
                if (--depth == 0) return;
            }
            else if (c == '"') ReadString();
            else if (IsRunChar(_pos)) _pos++;
            else throw Error("illegal character", Position, Describe(c));
        }
    }

    private static string Describe(char c) => $"U+{(int)c:X4}";

    private WatSyntaxException Error(string rule, TextPosition at, string? detail = null) => new(rule, at, detail, _source);
}
