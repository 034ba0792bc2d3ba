using Tessera.Wasm.Text;

namespace Tessera.Wasm;

/// <summary>What a module file holds, as <see cref="ModuleFormat.Detect"/> tells from its first bytes.</summary>
public enum ModuleFormatKind : byte
{
    /// <summary>No bytes at all.</summary>
    Empty,
    /// <summary>Starts with the binary magic <c>\0asm</c> (spec 5.5.16).</summary>
    Binary,
    /// <summary>White space and comments, then <c>(</c> or the end: the start of a text module
    /// (spec 6.6.13; a text module may also be its fields alone, or none).</summary>
    Text,
    /// <summary>Anything else: neither format can start this way.</summary>
    Neither,
}

/// <summary>
/// Tells a binary module from a text one by content, reading only what it must: four bytes for the
/// magic, then white space and comments up to the first token, one byte at a time in constant
/// memory. Every text module's first token is <c>(</c> (spec 6.6.13: <c>(module ...)</c> or module
/// fields, which are lists), so a file of anything else is refused before it is read whole or
/// decoded as UTF-8.
/// </summary>
public static class ModuleFormat
{
    /// <summary>The first four bytes of every binary module.</summary>
    public static ReadOnlySpan<byte> Magic => "\0asm"u8;

    /// <summary>The UTF-8 byte order mark, which some editors write at the start of a text file.</summary>
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>Reads from the stream's position as far as it must to tell the format, and leaves
    /// the position somewhere after the start: seek back before reading the module. A text may
    /// start with a byte order mark.</summary>
    public static ModuleFormatKind Detect(Stream stream)
    {
        Span<byte> head = stackalloc byte[4];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read == 0) return ModuleFormatKind.Empty;
        if (read == 4 && head.SequenceEqual(Magic)) return ModuleFormatKind.Binary;
        var start = head[..read];
        if (start.StartsWith(ByteOrderMark)) start = start[ByteOrderMark.Length..];
        var bytes = new Bytes(stream, start);
        return StartsLikeText(ref bytes) ? ModuleFormatKind.Text : ModuleFormatKind.Neither;
    }

    /// <summary>
    /// A text module or script from its file's bytes: UTF-8, a leading byte order mark dropped, at
    /// most <see cref="TextLimits.MaxTextLength"/> bytes (checked before decoding; a caller reading
    /// a file checks its size before reading it, with <see cref="TextLimits.TooLarge"/>).
    /// </summary>
    /// <exception cref="WatSyntaxException">The text is longer than the limit.</exception>
    public static string DecodeText(ReadOnlySpan<byte> utf8, string? source = null)
    {
        if (utf8.StartsWith(ByteOrderMark)) utf8 = utf8[ByteOrderMark.Length..];
        if (utf8.Length > TextLimits.MaxTextLength) throw TextLimits.TooLarge(utf8.Length, source);
        return System.Text.Encoding.UTF8.GetString(utf8);
    }

    /// <summary>Skips white space (spec 6.3.4: space, tab, newlines, NEL), line comments and
    /// nested block comments, and says whether what follows is <c>(</c> or the end.</summary>
    private static bool StartsLikeText(ref Bytes bytes)
    {
        int comments = 0; // open block comments
        bool line = false;
        for (int b = bytes.Next(); b >= 0; b = bytes.Next())
        {
            bool nel = b == 0xC2 && bytes.TryTake(0x85); // U+0085 in UTF-8
            if (line)
            {
                line = !(b is '\n' or '\r' || nel);
                continue;
            }
            if (comments > 0)
            {
                if (b == '(' && bytes.TryTake(';')) comments++;
                else if (b == ';' && bytes.TryTake(')')) comments--;
                continue;
            }
            if (b is ' ' or '\t' or '\n' or '\r' || nel) continue;
            if (b == ';' && bytes.TryTake(';')) line = true;
            else if (b == '(' && bytes.TryTake(';')) comments = 1;
            else return b == '(';
        }
        // Only white space and comments: an empty module, or an unclosed comment the lexer reports.
        return true;
    }

    /// <summary>The bytes already read, then the rest of the stream, with one byte of look-ahead.</summary>
    private ref struct Bytes(Stream stream, ReadOnlySpan<byte> head)
    {
        private ReadOnlySpan<byte> _head = head;
        private int _peeked = -2;

        public int Next()
        {
            if (_peeked != -2)
            {
                int p = _peeked;
                _peeked = -2;
                return p;
            }
            if (_head.Length == 0) return stream.ReadByte();
            int b = _head[0];
            _head = _head[1..];
            return b;
        }

        /// <summary>Consumes the next byte if it is <paramref name="expected"/>.</summary>
        public bool TryTake(int expected)
        {
            _peeked = Next();
            if (_peeked != expected) return false;
            _peeked = -2;
            return true;
        }
    }
}
