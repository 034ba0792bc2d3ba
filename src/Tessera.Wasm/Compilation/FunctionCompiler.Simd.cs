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
            // Always opaque: a vector constant the JIT can see (even through a local) lets it fold
            // x * 1 and x - 0 to x, returning a signaling NaN lane unquieted. Hidden constants let
            // float lane arithmetic use the bare hardware instruction, which quiets NaNs itself.
            EmitVectorConstant(reader.ReadBytes(16), opaque: true);
            Push(Model.ValTypeKind.V128);
            return true;
        }
        if (op is Opcode.I8x16Splat or Opcode.I16x8Splat or Opcode.I32x4Splat or Opcode.I64x2Splat or Opcode.F32x4Splat or Opcode.F64x2Splat)
        {
            // A splat of a constant is a vector constant to the JIT: hide the scalar first.
            Need(1);
            HideConstant(_stack.Count - 1);
        }
        var helper = typeof(SimdOps).GetMethod(op.ToString());
        if (helper is null) return false;
        switch (info.Immediate)
        {
            case ImmediateKind.Shuffle:
                Need(pops.Length);
                EmitVectorConstant(reader.ReadBytes(16), opaque: false);
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
                    // Validated code sets the memory-index flag only when multi-memory is on.
                    var memArg = reader.ReadMemArg(multiMemory: true, memory64: false);
                    Need(pops.Length);
                    _il.Emit(OpCodes.Ldc_I8, (long)memArg.Offset);
                    // Vector loads keep the explicit check under guard pages: the JIT narrows an
                    // unused one to a 1-byte probe, which would miss a straddling access
                    // (docs/memory.md, Guard pages); stores are never unused.
                    if (pushes.Length == 0) LoadMemoryForAccess(memArg.Memory, memArg.Offset);
                    else LoadMemoryBuffer(memArg.Memory);
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
    private void EmitVectorConstant(ReadOnlySpan<byte> bytes, bool opaque)
    {
        if (opaque)
        {
            LoadConstantTable(_owner.AddConstant(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..])));
            _il.Emit(OpCodes.Call, Members.Simd(nameof(SimdOps.ConstFromTable)));
            return;
        }
        _il.Emit(OpCodes.Ldc_I8, BinaryPrimitives.ReadInt64LittleEndian(bytes));
        _il.Emit(OpCodes.Ldc_I8, BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]));
        _il.Emit(OpCodes.Call, Members.Simd(HasSignalingNaNLane(bytes) ? nameof(SimdOps.ConstOpaque) : nameof(SimdOps.Const)));
    }

    /// <summary>Whether a 32-bit or 64-bit lane of the constant is a signaling NaN (exponent all
    /// ones, quiet bit clear, payload not zero).</summary>
    private static bool HasSignalingNaNLane(ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < 16; i += 4)
        {
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(bytes[i..]);
            if ((bits & 0x7FC0_0000) == 0x7F80_0000 && (bits & 0x003F_FFFF) != 0) return true;
        }
        for (int i = 0; i < 16; i += 8)
        {
            ulong bits = BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]);
            if ((bits & 0x7FF8_0000_0000_0000) == 0x7FF0_0000_0000_0000 && (bits & 0x0007_FFFF_FFFF_FFFF) != 0) return true;
        }
        return false;
    }
}
