using System.Collections.Frozen;

namespace Tessera.Wasm.Binary;

/// <summary>
/// Lookup of instructions by opcode (for the decoder and validator) and by mnemonic (for the text
/// assembler). Opcode lookups are array indexing: one array for single-byte opcodes and one per prefix.
/// </summary>
internal static partial class OpcodeTable
{
    private static readonly OpcodeInfo?[] s_single = new OpcodeInfo?[256];
    private static readonly OpcodeInfo?[] s_prefixFC = new OpcodeInfo?[32];
    private static readonly OpcodeInfo?[] s_prefixFD = new OpcodeInfo?[0x120];
    static OpcodeTable()
    {
        foreach (var info in s_all)
        {
            int code = (int)info.Opcode;
            switch (code >> 16)
            {
                case 0: s_single[code] = info; break;
                case 0xFC: s_prefixFC[code & 0xFFFF] = info; break;
                case 0xFD: s_prefixFD[code & 0xFFFF] = info; break;
                default: throw new InvalidOperationException($"unknown prefix in {info.Name}");
            }
        }
    }

    /// <summary>Instructions by mnemonic, built on first use: only the text assembler needs them,
    /// and building a frozen dictionary of ~500 names was a third of the startup of running a
    /// binary module (docs/benchmarks.md, Startup).</summary>
    private static class ByName
    {
        public static readonly FrozenDictionary<string, OpcodeInfo> Table = Build();

        private static FrozenDictionary<string, OpcodeInfo> Build()
        {
            var byName = new Dictionary<string, OpcodeInfo>(StringComparer.Ordinal);
            // Typed select shares its mnemonic with plain select; the text assembler picks by immediates.
            foreach (var info in s_all) byName.TryAdd(info.Name, info);
            return byName.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }

    /// <summary>Every instruction the engine knows, in opcode order.</summary>
    public static IReadOnlyList<OpcodeInfo> All => s_all;

    /// <summary>The instruction with opcode <paramref name="opcode"/>, or null if there is none.</summary>
    public static OpcodeInfo? Lookup(Opcode opcode)
    {
        uint code = (uint)opcode;
        var table = (code >> 16) switch
        {
            0 => s_single,
            0xFC => s_prefixFC,
            0xFD => s_prefixFD,
            _ => null,
        };
        uint sub = code & 0xFFFF;
        return table is not null && sub < (uint)table.Length ? table[sub] : null;
    }

    /// <summary>Finds an instruction by its text mnemonic.</summary>
    public static bool TryGetByName(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out OpcodeInfo? info) =>
        ByName.Table.TryGetValue(name, out info);
}
