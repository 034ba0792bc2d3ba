using System.Buffers.Binary;
using System.Reflection.Emit;
using Tessera.Wasm.Binary;

namespace Tessera.Wasm.Compilation;

// The fixed-width SIMD instructions (prefix 0xFD): every one is a call of the SimdOps helper named
// after its opcode, with the operands in stack order followed by the immediates. Operand and
// result types come from the opcode table's signatures.
internal sealed partial class FunctionCompiler
{
    /// <summary>Emits a 2.0 SIMD instruction; false for one this compiler does not know.</summary>
    private bool Simd(Opcode op, OpcodeInfo info, ref WasmReader reader)
    {
        if (info.Pops is not { } pops || info.Pushes is not { } pushes) return false;
        if (op == Opcode.V128Const)
        {
            EmitVectorConstant(reader.ReadBytes(16));
            Push(Model.ValTypeKind.V128);
            return true;
        }
        var helper = typeof(SimdOps).GetMethod(op.ToString());
        if (helper is null) return false;
        switch (info.Immediate)
        {
            case ImmediateKind.Shuffle:
                Need(pops.Length);
                EmitVectorConstant(reader.ReadBytes(16));
                break;
            case ImmediateKind.Lane:
                {
                    byte lane = reader.ReadByte();
                    Need(pops.Length);
                    _il.Emit(OpCodes.Ldc_I4, (int)lane);
                    break;
                }
            case ImmediateKind.MemArg or ImmediateKind.MemArgLane:
                {
                    var memArg = reader.ReadMemArg(multiMemory: false, memory64: false);
                    Need(pops.Length);
                    _il.Emit(OpCodes.Ldc_I8, (long)memArg.Offset);
                    _il.Emit(OpCodes.Ldloc, _memory!);
                    if (info.Immediate == ImmediateKind.MemArgLane) _il.Emit(OpCodes.Ldc_I4, (int)reader.ReadByte());
                    break;
                }
            case ImmediateKind.None:
                Need(pops.Length);
                break;
            default:
                return false;
        }
        _il.Emit(OpCodes.Call, helper);
        Pop(pops.Length);
        if (pushes.Length == 1) Push(pushes[0].Kind);
        return true;
    }

    /// <summary>Pushes 16 immediate bytes as a vector (v128.const, the shuffle pattern).</summary>
    private void EmitVectorConstant(ReadOnlySpan<byte> bytes)
    {
        _il.Emit(OpCodes.Ldc_I8, BinaryPrimitives.ReadInt64LittleEndian(bytes));
        _il.Emit(OpCodes.Ldc_I8, BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]));
        _il.Emit(OpCodes.Call, Members.Simd(nameof(SimdOps.Const)));
    }
}
