using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace Tessera.Architecture.Tests.Namespaces;

/// <summary>
/// The metadata tokens in a method body's IL: the operands of instructions whose operand is a type,
/// method, field, member (<c>ldtoken</c>) or standalone signature (<c>calli</c>). The instruction set
/// and operand kinds come from <see cref="OpCodes"/> (ECMA-335 partition III), so no opcode is
/// written down here.
/// </summary>
internal static class IlTokens
{
    private static readonly OperandType?[] OneByte = new OperandType?[256];
    private static readonly OperandType?[] TwoByte = new OperandType?[256];

    /// <summary>The first byte of the two-byte opcodes.</summary>
    private const byte TwoBytePrefix = 0xFE;

    static IlTokens()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            // The prefix pseudo-opcodes (prefix1..7, prefixref) never appear in IL as instructions.
            if (op.OpCodeType == OpCodeType.Nternal) continue;
            var value = (ushort)op.Value;
            if (op.Size == 1) OneByte[value] = op.OperandType;
            else TwoByte[value & 0xFF] = op.OperandType;
        }
    }

    /// <summary>Appends the tokens of <paramref name="il"/> to <paramref name="tokens"/>; an unknown
    /// opcode or a truncated operand is a <see cref="BadImageFormatException"/> naming <paramref name="method"/>.</summary>
    public static void Read(BlobReader il, List<EntityHandle> tokens, string method)
    {
        while (il.RemainingBytes > 0)
        {
            var offset = il.Offset;
            var first = il.ReadByte();
            var operand = first == TwoBytePrefix
                ? (il.RemainingBytes > 0 ? TwoByte[il.ReadByte()] : null)
                : OneByte[first];
            if (operand is not { } kind) throw new BadImageFormatException($"{method}: unknown opcode at IL offset {offset}");
            try
            {
                switch (kind)
                {
                    case OperandType.InlineField:
                    case OperandType.InlineMethod:
                    case OperandType.InlineSig:
                    case OperandType.InlineTok:
                    case OperandType.InlineType:
                        tokens.Add(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    case OperandType.InlineSwitch:
                        var targets = il.ReadUInt32();
                        if (targets > (uint)il.RemainingBytes / 4) throw new BadImageFormatException($"{method}: switch at IL offset {offset} has more targets than bytes");
                        il.Offset += (int)targets * 4;
                        break;
                    default:
                        il.Offset += OperandSize(kind);
                        break;
                }
            }
            catch (BadImageFormatException e) when (!e.Message.StartsWith(method, StringComparison.Ordinal))
            {
                throw new BadImageFormatException($"{method}: truncated operand at IL offset {offset}", e);
            }
        }
    }

    private static int OperandSize(OperandType kind) => kind switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineBrTarget or OperandType.InlineI or OperandType.InlineString or OperandType.ShortInlineR => 4,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => throw new InvalidOperationException($"operand kind {kind} has no fixed size"),
    };
}
