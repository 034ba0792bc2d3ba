using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Tests.Binary;

public class ModuleDecoderTests
{
    private static readonly byte[] Header = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00];

    private static byte[] Module(params byte[] sections) => [.. Header, .. sections];

    private static WasmFormatException Malformed(byte[] bytes) => Assert.Throws<WasmFormatException>(() => ModuleDecoder.Decode(bytes));

    [Fact]
    public void EmptyModuleDecodes()
    {
        var module = ModuleDecoder.Decode(Header);
        Assert.Empty(module.Types);
        Assert.Empty(module.Bodies);
    }

    [Theory]
    [InlineData(new byte[] { }, "unexpected end")]
    [InlineData(new byte[] { 0x00, 0x61, 0x73 }, "unexpected end")]
    [InlineData(new byte[] { 0x00, 0x61, 0x73, 0x6E, 0x01, 0x00, 0x00, 0x00 }, "magic header not detected")]
    [InlineData(new byte[] { 0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00 }, "unknown binary version")]
    [InlineData(new byte[] { 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x0E, 0x00 }, "malformed section id")]
    public void HeaderAndSectionIdErrors(byte[] bytes, string rule) => Assert.Equal(rule, Malformed(bytes).Rule);

    [Fact]
    public void U32WithSixBytesIsTooLong()
    {
        // Type section whose count is encoded in 6 bytes.
        var e = Malformed(Module(0x01, 0x07, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00));
        Assert.Equal("integer representation too long", e.Rule);
        Assert.Equal(10, e.Offset);
    }

    [Fact]
    public void U32WithBitsAbove32IsTooLarge()
    {
        // 0x80 0x80 0x80 0x80 0x10 would be 2^32.
        var e = Malformed(Module(0x01, 0x05, 0x80, 0x80, 0x80, 0x80, 0x10));
        Assert.Equal("integer too large", e.Rule);
    }

    [Fact]
    public void HugeCountFailsBeforeAllocating()
    {
        // Type section declaring 0xFFFFFFFF types in a 5-byte payload.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Malformed(Module(0x01, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("unexpected end of section or function", e.Rule);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void SectionsOutOfOrderAreRejected()
    {
        // A function section (3) followed by a type section (1).
        var e = Malformed(Module(0x03, 0x01, 0x00, 0x01, 0x01, 0x00));
        Assert.Equal("unexpected content after last section", e.Rule);
        Assert.Equal(11, e.Offset);
    }

    [Fact]
    public void FunctionWithoutCodeIsInconsistent()
    {
        // type () -> (); one function; no code section.
        var e = Malformed(Module(0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00));
        Assert.Equal("function and code section have inconsistent lengths", e.Rule);
    }

    [Fact]
    public void DecodesTypesFunctionsBodiesAndNames()
    {
        var wasm = Wabt.Wat2Wasm("""
            (module $m
              (type (func (param i32 i64) (result f32)))
              (import "env" "g" (global $g (mut i32)))
              (func $f (type 0) (local $x f64) (local i32 i32) f32.const 1)
              (memory 1 2)
              (export "f" (func $f)))
            """);
        // wat2wasm writes names only with --debug-names; decode the structure.
        var module = ModuleDecoder.Decode(wasm);
        var type = Assert.Single(module.Types);
        Assert.Equal(new[] { ValType.I32, ValType.I64 }, type.Parameters);
        Assert.Equal(new[] { ValType.F32 }, type.Results);
        Assert.Equal(1, module.ImportedGlobalCount);
        Assert.True(module.GlobalType(new GlobalIndex(0)).Mutable);
        var body = Assert.Single(module.Bodies);
        Assert.Equal(3, body.LocalCount);
        Assert.Equal(new Limits(1, 2), module.Memories[0].Limits);
        Assert.Equal(new FuncExport("f", new FuncIndex(0)), module.Exports[0]);
        Assert.Equal(Opcode.F32Const, new WasmReader(body.Code.Span).ReadOpcode());
    }

    [Theory]
    [InlineData(new byte[] { 0x7F }, -1)]
    [InlineData(new byte[] { 0x80, 0x7F }, -128)]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x78 }, int.MinValue)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x07 }, int.MaxValue)]
    [InlineData(new byte[] { 0x3F }, 63)]
    public void SignedLeb128(byte[] bytes, int expected)
    {
        var reader = new WasmReader(bytes);
        Assert.Equal(expected, reader.ReadS32());
        Assert.True(reader.AtEnd);
    }

    [Fact]
    public void SignedLeb128UnusedBitsMustMatchSign()
    {
        // 5th byte 0x70 has unused bits set while the sign bit (bit 3) is clear.
        var e = Assert.Throws<WasmFormatException>(() => new WasmReader(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x70 }).ReadS32());
        Assert.Equal("integer too large", e.Rule);
    }

    [Fact]
    public void TagSectionIsMalformedIn2AndDecodesIn3()
    {
        // type () -> (); tag section (id 13) with one tag of type 0.
        var bytes = Module(0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x0D, 0x03, 0x01, 0x00, 0x00);
        Assert.Equal("malformed section id", Malformed(bytes).Rule);
        var module = ModuleDecoder.Decode(bytes, WasmFeatures.Wasm3);
        Assert.Equal(new TypeIndex(0), Assert.Single(module.Tags).Type);
    }

    [Fact]
    public void MemoryLimitsAboveU32AreMalformedIn2ButReadIn3()
    {
        // memory with min = 2^32 pages, as a 5-byte LEB128: 0x80 0x80 0x80 0x80 0x10.
        var bytes = Module(0x05, 0x07, 0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x10);
        Assert.Equal("integer too large", Malformed(bytes).Rule);
        var module = ModuleDecoder.Decode(bytes, WasmFeatures.Wasm3);
        Assert.Equal(1UL << 32, module.Memories[0].Limits.Min);
        var e = Assert.Throws<WasmValidationException>(() => Tessera.Wasm.Validation.ModuleValidator.Validate(module, WasmFeatures.Wasm3));
        Assert.StartsWith("memory size", e.Rule);
    }

    [Fact]
    public void MemargFlagsFromBit7AreMalformedWithMultiMemory()
    {
        // 0x80 0x01 = 128: bit 7 set, reserved.
        var multi = Assert.Throws<WasmFormatException>(() => new WasmReader(new byte[] { 0x80, 0x01, 0x00 }).ReadMemArg(multiMemory: true, memory64: false));
        Assert.Equal("malformed memop flags", multi.Rule);
        // Without multi-memory the same value is an alignment, for the validator to judge.
        Assert.Equal(128u, new WasmReader(new byte[] { 0x80, 0x01, 0x00 }).ReadMemArg(multiMemory: false, memory64: false).AlignLog2);
    }
}
