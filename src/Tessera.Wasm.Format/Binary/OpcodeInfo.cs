using Tessera.Wasm.Model;

namespace Tessera.Wasm.Binary;

/// <summary>What the engine knows about one instruction, independent of any module.</summary>
public sealed class OpcodeInfo
{
    internal OpcodeInfo(Opcode opcode, string name, ImmediateKind immediate, string? signature, WasmFeatures feature, int naturalAlignmentLog2, int laneCount)
    {
        Opcode = opcode;
        Name = name;
        Immediate = immediate;
        Signature = signature;
        Feature = feature;
        NaturalAlignmentLog2 = naturalAlignmentLog2;
        LaneCount = laneCount;
        if (signature is not null)
        {
            int arrow = signature.IndexOf('>');
            Pops = ParseTypes(signature.AsSpan(0, arrow), out var popsAddress);
            Pushes = ParseTypes(signature.AsSpan(arrow + 1), out var pushesAddress);
            UsesAddressType = popsAddress || pushesAddress;
        }
    }

    public Opcode Opcode { get; }
    /// <summary>The text-format mnemonic, e.g. <c>i32.add</c>.</summary>
    public string Name { get; }
    public ImmediateKind Immediate { get; }
    /// <summary>The compact stack signature this info was built from, or null for instructions the validator types itself.</summary>
    public string? Signature { get; }
    public WasmFeatures Feature { get; }
    /// <summary>For memory accesses, log2 of the access size in bytes (the largest valid alignment); otherwise -1.</summary>
    public int NaturalAlignmentLog2 { get; }
    /// <summary>For lane immediates, the number of lanes (the exclusive bound of the lane index); otherwise 0.</summary>
    public int LaneCount { get; }
    /// <summary>Operand types popped, first operand first; null when <see cref="Signature"/> is null.
    /// An address operand is given as i32 and flagged by <see cref="UsesAddressType"/>.</summary>
    public ValType[]? Pops { get; }
    /// <summary>Result types pushed; null when <see cref="Signature"/> is null.</summary>
    public ValType[]? Pushes { get; }
    /// <summary>True when the signature mentions the memory's address type (<c>a</c>), which is i64 for memory64.</summary>
    public bool UsesAddressType { get; }

    /// <summary>Whether the opcode is encoded with a prefix byte (0xFC, 0xFD, ...).</summary>
    public bool IsPrefixed => (int)Opcode > 0xFF;

    public override string ToString() => Name;

    private static ValType[] ParseTypes(ReadOnlySpan<char> letters, out bool address)
    {
        address = false;
        var types = new ValType[letters.Length];
        for (int i = 0; i < letters.Length; i++)
        {
            types[i] = letters[i] switch
            {
                'i' => ValType.I32,
                'I' => ValType.I64,
                'f' => ValType.F32,
                'F' => ValType.F64,
                'v' => ValType.V128,
                'a' => ValType.I32,
                _ => throw new InvalidOperationException($"bad signature letter '{letters[i]}'"),
            };
            if (letters[i] == 'a') address = true;
        }
        return types;
    }
}
