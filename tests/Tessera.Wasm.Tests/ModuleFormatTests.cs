using System.Text;
using Tessera.Wasm.Runtime;
using Tessera.Wasm.Text;

namespace Tessera.Wasm.Tests;

/// <summary>Binary and text modules told apart by their first bytes, reading no more than that.</summary>
public sealed class ModuleFormatTests
{
    private static ModuleFormatKind Detect(byte[] bytes) => ModuleFormat.Detect(new MemoryStream(bytes));

    private static ModuleFormatKind Detect(string text) => Detect(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void TheMagicMakesABinary()
    {
        Assert.Equal(ModuleFormatKind.Binary, Detect([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
        Assert.Equal(ModuleFormatKind.Binary, Detect([0x00, 0x61, 0x73, 0x6d]));
        // Three bytes of the magic are neither: a NUL cannot start text.
        Assert.Equal(ModuleFormatKind.Neither, Detect([0x00, 0x61, 0x73]));
        Assert.Equal(ModuleFormatKind.Neither, Detect([0x00, 0x61, 0x73, 0x6e]));
    }

    [Theory]
    [InlineData("(module)")]
    [InlineData("(func)")]
    [InlineData("  \t\r\n(module)")]
    [InlineData(";; a line comment\n(module)")]
    [InlineData(";; ended by a carriage return\r(module)")]
    [InlineData("(; a (; nested ;) block comment ;)(module)")]
    [InlineData("(@custom \"x\") (module)")]
    [InlineData("\u0085(module)")] // NEL is white space (spec 6.3.4)
    [InlineData(";; ended by NEL\u0085(module)")]
    [InlineData("")]
    [InlineData(" ;; only white space and comments: an empty module")]
    [InlineData("(; an unclosed comment, which the lexer reports")]
    public void TextStartsWithAParenthesisAfterWhiteSpaceAndComments(string text)
    {
        // The empty string is no bytes at all: that is Empty, not text.
        Assert.Equal(text.Length == 0 ? ModuleFormatKind.Empty : ModuleFormatKind.Text, Detect(text));
    }

    [Theory]
    [InlineData("module")]
    [InlineData("\0(module)")]
    [InlineData(";; comment\nx(module)")]
    [InlineData("(;;) ;")]
    [InlineData("\u00a0(module)")] // no-break space is not white space in the text format
    [InlineData(" \ufeff(module)")] // nor is a byte order mark past the file's start
    public void AnythingElseIsNeither(string text) => Assert.Equal(ModuleFormatKind.Neither, Detect(text));

    [Fact]
    public void AnEndlessStreamOfZerosIsRefusedAfterItsFirstBytes()
    {
        var zeros = new EndlessStream(0);
        Assert.Equal(ModuleFormatKind.Neither, ModuleFormat.Detect(zeros));
        Assert.True(zeros.BytesRead <= 5, $"read {zeros.BytesRead} bytes");
    }

    [Fact]
    public void ALongCommentBeforeTheModuleIsReadThrough()
    {
        // 16 MiB of comment before the module: read through byte by byte, not held.
        var text = new StringBuilder(";;").Append('c', 16 << 20).Append("\n(module)").ToString();
        Assert.Equal(ModuleFormatKind.Text, Detect(text));
    }

    [Fact]
    public void FromFileGoesByContentNotByName()
    {
        var dir = Directory.CreateTempSubdirectory("tessera-format-");
        try
        {
            var engine = new Engine();
            var wat = Path.Combine(dir.FullName, "text.wasm");
            File.WriteAllText(wat, "(module (func (export \"f\") (result i32) (i32.const 42)))");
            Assert.Equal(42, new Linker().Instantiate(new Store(engine), Module.FromFile(engine, wat)).GetFunc("f")!.Invoke()[0].AsI32());

            var wasm = Path.Combine(dir.FullName, "binary.wat");
            File.WriteAllBytes(wasm, [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
            Assert.Empty(Module.FromFile(engine, wasm).Definition.Exports);

            var empty = Path.Combine(dir.FullName, "empty.wasm");
            File.WriteAllBytes(empty, []);
            var e = Assert.Throws<WasmFormatException>(() => Module.FromFile(engine, empty));
            Assert.Equal("unexpected end", e.Rule);
            Assert.Contains("empty file", e.Message);

            var zeros = Path.Combine(dir.FullName, "zeros.wasm");
            File.WriteAllBytes(zeros, new byte[4096]);
            e = Assert.Throws<WasmFormatException>(() => Module.FromFile(engine, zeros));
            Assert.Equal("magic header not detected", e.Rule);
            Assert.Contains("neither the binary magic", e.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void AByteOrderMarkMayStartText()
    {
        byte[] bom = [0xEF, 0xBB, 0xBF];
        Assert.Equal(ModuleFormatKind.Text, Detect([.. bom, .. "(module)"u8]));
        Assert.Equal(ModuleFormatKind.Text, Detect([.. bom, .. " ;; c\n(module)"u8]));
        Assert.Equal(ModuleFormatKind.Text, Detect(bom));
        // Only at the very start, and only the whole mark.
        Assert.Equal(ModuleFormatKind.Neither, Detect([0x20, .. bom, .. "(module)"u8]));
        Assert.Equal(ModuleFormatKind.Neither, Detect([0xEF, 0xBB, .. "(module)"u8]));
        Assert.Equal("(module)", ModuleFormat.DecodeText([.. bom, .. "(module)"u8]));
        // Assembled, a file with the mark is the module without it: the empty module's 8 bytes.
        var dir = Directory.CreateTempSubdirectory("tessera-bom-");
        try
        {
            string path = Path.Combine(dir.FullName, "m.wat");
            File.WriteAllBytes(path, [.. bom, .. "(module (func (export \"f\") (result i32) (i32.const 42)))"u8]);
            var engine = new Engine();
            Assert.Equal(42, new Linker().Instantiate(new Store(engine), Module.FromFile(engine, path)).GetFunc("f")!.Invoke()[0].AsI32());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void TextPastItsLengthLimitIsRefusedBeforeItIsRead()
    {
        string text = "(module)" + new string(' ', TextLimits.MaxTextLength - 7);
        var e = Assert.Throws<WatSyntaxException>(() => SExpr.ParseAll(text));
        Assert.Equal(TextLimits.SizeRule, e.Rule);
        // One character less is at the limit: the empty module.
        Assert.Single(SExpr.ParseAll(text[..^1]));
        var dir = Directory.CreateTempSubdirectory("tessera-bigtext-");
        try
        {
            string path = Path.Combine(dir.FullName, "big.wat");
            // Past the limit and the room left for a byte order mark: refused by its size alone.
            File.WriteAllText(path, text + "   ");
            var engine = new Engine();
            long before = GC.GetAllocatedBytesForCurrentThread();
            e = Assert.Throws<WatSyntaxException>(() => Module.FromFile(engine, path));
            Assert.Equal(TextLimits.SizeRule, e.Rule);
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the file was read");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>A stream of one byte for ever, like <c>/dev/zero</c>, counting what was read.</summary>
    private sealed class EndlessStream(byte value) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            buffer.Fill(value);
            BytesRead += buffer.Length;
            return buffer.Length;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
