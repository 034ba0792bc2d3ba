using Tessera.Wasm.Binary;

namespace Tessera.Wasm.Tests.Binary;

/// <summary>Checks the opcode table against wabt's assembler: same mnemonic, same encoding.</summary>
public class OpcodeTableTests
{
    private static readonly Dictionary<string, string> WabtSpelling = new()
    {
        ["i16x8.relaxed_dot_i8x16_i7x16_s"] = "i16x8.dot_i8x16_i7x16_s",
        ["i32x4.relaxed_dot_i8x16_i7x16_add_s"] = "i32x4.dot_i8x16_i7x16_add_s",
    };

    public static TheoryData<string> SimpleInstructions()
    {
        var data = new TheoryData<string>();
        foreach (var info in OpcodeTable.All)
        {
            if (info.Immediate == ImmediateKind.None && info.Pops is not null && !info.UsesAddressType) data.Add(info.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SimpleInstructions))]
    public void EncodingMatchesWabt(string name)
    {
        var info = OpcodeTable.TryGetByName(name, out var found) ? found : throw new InvalidOperationException(name);
        string parameters = string.Join(' ', info.Pops!.Select(t => $"(param {t})"));
        string results = string.Join(' ', info.Pushes!.Select(t => $"(result {t})"));
        string operands = string.Concat(Enumerable.Range(0, info.Pops!.Length).Select(i => $"(local.get {i})"));
        // wabt 1.0.32 predates the final names of two relaxed-SIMD instructions.
        string wabtName = WabtSpelling.GetValueOrDefault(name, name);
        var wasm = Wabt.Wat2Wasm($"(module (func {parameters} {results} {operands} {wabtName}))");

        var module = ModuleDecoder.Decode(wasm, WasmFeatures.Wasm2 | WasmFeatures.RelaxedSimd);
        var reader = new WasmReader(module.Bodies[0].Code.Span);
        for (int i = 0; i < info.Pops.Length; i++)
        {
            Assert.Equal(Opcode.LocalGet, reader.ReadOpcode());
            Assert.Equal((uint)i, reader.ReadU32());
        }
        Assert.Equal(info.Opcode, reader.ReadOpcode());
        Assert.Equal(Opcode.End, reader.ReadOpcode());
        Assert.True(reader.AtEnd);
    }

    [Fact]
    public void LookupFindsPrefixedAndSingleByteOpcodes()
    {
        Assert.Equal("v128.const", OpcodeTable.Lookup((Opcode)0xFD_000C)!.Name);
        Assert.Equal("memory.fill", OpcodeTable.Lookup((Opcode)0xFC_000B)!.Name);
        Assert.Equal("i32.add", OpcodeTable.Lookup((Opcode)0x6A)!.Name);
        Assert.Null(OpcodeTable.Lookup((Opcode)0xFD_009A)); // a gap in the SIMD opcode space
        Assert.Null(OpcodeTable.Lookup((Opcode)0x27));
    }
}
