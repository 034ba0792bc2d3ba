using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Validation;

/// <summary>How the function validator handles an opcode; chosen once per opcode from its <see cref="OpcodeInfo"/>.</summary>
internal enum OpHandler : byte
{
    /// <summary>No instruction has this encoding.</summary>
    Illegal,
    /// <summary>No immediates and a fixed signature: pop and push by the table alone.</summary>
    Simple,
    /// <summary>A constant (<c>i32.const</c> ... <c>v128.const</c>): skip the immediate, then as <see cref="Simple"/>.</summary>
    Constant,
    /// <summary>A lane index immediate checked against <see cref="OpEntry.LaneCount"/>, then as <see cref="Simple"/>.</summary>
    Lane,
    /// <summary><c>i8x16.shuffle</c>: sixteen lane indices below 32.</summary>
    Shuffle,
    /// <summary>A memory access: memarg checks, then the signature with the memory's address type.</summary>
    MemArg,
    /// <summary>A memory access with a lane index after the memarg.</summary>
    MemArgLane,
    /// <summary>Typed by its own rule in <see cref="FunctionValidator"/>; the frequent ones below have
    /// their own handler so that the dispatch reaches them without a second switch.</summary>
    Special,
    LocalGet,
    LocalSet,
    LocalTee,
    GlobalGet,
    Drop,
    Call,
    Block,
    Loop,
    If,
    End,
    Br,
    BrIf,
    /// <summary>A prefix byte (0xFB-0xFE): the opcode continues with a u32.</summary>
    Prefix,
}

/// <summary>
/// One opcode as the validator sees it: the handler, the feature, and for fixed-signature
/// instructions the signature unpacked into fields so that the hot loop reads one struct and
/// touches no arrays of the <see cref="OpcodeInfo"/>.
/// </summary>
internal readonly struct OpEntry
{
    public OpEntry(OpcodeInfo info, OpHandler handler)
    {
        Info = info;
        Handler = handler;
        Feature = info.Feature;
        Immediate = info.Immediate;
        NaturalAlignmentLog2 = (sbyte)info.NaturalAlignmentLog2;
        LaneCount = (byte)info.LaneCount;
        if (info.Pops is { } pops && info.Pushes is { } pushes)
        {
            if (pops.Length > 3 || pushes.Length > 1) throw new InvalidOperationException($"{info.Name}: signature too long for the validator's table");
            PopCount = (byte)pops.Length;
            Pop0 = pops.Length > 0 ? pops[0].Kind : 0;
            Pop1 = pops.Length > 1 ? pops[1].Kind : 0;
            Pop2 = pops.Length > 2 ? pops[2].Kind : 0;
            Push = pushes.Length > 0 ? pushes[0] : default;
        }
    }

    public OpEntry(OpHandler handler)
    {
        Handler = handler;
        Feature = WasmFeatures.Mvp;
    }

    /// <summary>The instruction; null for <see cref="OpHandler.Illegal"/> and <see cref="OpHandler.Prefix"/>.</summary>
    public OpcodeInfo? Info { get; }
    /// <summary>The pushed type; <c>default</c> (kind 0) when nothing is pushed.</summary>
    public ValType Push { get; }
    public WasmFeatures Feature { get; }
    public OpHandler Handler { get; }
    public ImmediateKind Immediate { get; }
    public byte PopCount { get; }
    /// <summary>Popped kinds, first operand first (so <see cref="Pop0"/> is popped last). For memory
    /// accesses <see cref="Pop0"/> is the address, whose real type is the memory's address type.</summary>
    public ValTypeKind Pop0 { get; }
    public ValTypeKind Pop1 { get; }
    public ValTypeKind Pop2 { get; }
    public sbyte NaturalAlignmentLog2 { get; }
    public byte LaneCount { get; }
}

/// <summary>
/// The validator's view of <see cref="OpcodeTable"/>: dense arrays indexed by the opcode byte and,
/// for prefixed opcodes, by the sub-opcode. Built once from the opcode table, so the instruction set
/// stays defined in one place.
/// </summary>
internal static class OperatorTable
{
    private static readonly OpEntry[] s_single = new OpEntry[256];
    private static readonly OpEntry[] s_prefixFC = new OpEntry[32];
    private static readonly OpEntry[] s_prefixFD = new OpEntry[0x120];

    static OperatorTable()
    {
        foreach (var info in OpcodeTable.All)
        {
            int code = (int)info.Opcode;
            var entry = new OpEntry(info, HandlerFor(info));
            switch (code >> 16)
            {
                case 0: s_single[code] = entry; break;
                case 0xFC: s_prefixFC[code & 0xFFFF] = entry; break;
                case 0xFD: s_prefixFD[code & 0xFFFF] = entry; break;
                default: throw new InvalidOperationException($"unknown prefix in {info.Name}");
            }
        }
        for (int prefix = 0xFB; prefix <= 0xFE; prefix++) s_single[prefix] = new OpEntry(OpHandler.Prefix);
    }

    /// <summary>The entry of a single-byte opcode (or <see cref="OpHandler.Prefix"/>).</summary>
    public static ref readonly OpEntry Single(byte opcode) => ref s_single[opcode];

    /// <summary>The entry of a prefixed opcode; <see cref="OpHandler.Illegal"/> when unknown.</summary>
    public static ref readonly OpEntry Prefixed(byte prefix, uint sub)
    {
        var table = prefix switch
        {
            0xFC => s_prefixFC,
            0xFD => s_prefixFD,
            _ => null,
        };
        if (table is null || sub >= (uint)table.Length) return ref s_single[0xFF];
        return ref table[sub];
    }

    private static OpHandler HandlerFor(OpcodeInfo info)
    {
        bool fixedSignature = info.Pops is not null;
        return info.Immediate switch
        {
            ImmediateKind.None when fixedSignature => OpHandler.Simple,
            ImmediateKind.I32 or ImmediateKind.I64 or ImmediateKind.F32 or ImmediateKind.F64 or ImmediateKind.V128 when fixedSignature => OpHandler.Constant,
            ImmediateKind.Lane when fixedSignature => OpHandler.Lane,
            ImmediateKind.Shuffle when fixedSignature => OpHandler.Shuffle,
            ImmediateKind.MemArg when fixedSignature => OpHandler.MemArg,
            ImmediateKind.MemArgLane when fixedSignature => OpHandler.MemArgLane,
            _ => info.Opcode switch
            {
                Opcode.LocalGet => OpHandler.LocalGet,
                Opcode.LocalSet => OpHandler.LocalSet,
                Opcode.LocalTee => OpHandler.LocalTee,
                Opcode.GlobalGet => OpHandler.GlobalGet,
                Opcode.Drop => OpHandler.Drop,
                Opcode.Call => OpHandler.Call,
                Opcode.Block => OpHandler.Block,
                Opcode.Loop => OpHandler.Loop,
                Opcode.If => OpHandler.If,
                Opcode.End => OpHandler.End,
                Opcode.Br => OpHandler.Br,
                Opcode.BrIf => OpHandler.BrIf,
                _ => OpHandler.Special,
            },
        };
    }
}
