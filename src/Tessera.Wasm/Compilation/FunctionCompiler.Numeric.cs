using System.Reflection.Emit;
using Tessera.Wasm.Binary;

namespace Tessera.Wasm.Compilation;

// The numeric instructions: one IL sequence or one NumericOps helper per opcode. Operand and
// result types come from the opcode table's fixed signatures.
internal sealed partial class FunctionCompiler
{
    /// <summary>Emits a numeric instruction whose operands are on the IL stack; false if it is not one.</summary>
    private bool EmitNumeric(Opcode op)
    {
        switch (op)
        {
            case Opcode.I32Eqz: _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.I32Eq: _il.Emit(OpCodes.Ceq); return true;
            case Opcode.I32Ne: _il.Emit(OpCodes.Ceq); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.I32LtS: _il.Emit(OpCodes.Clt); return true;
            case Opcode.I32LtU: _il.Emit(OpCodes.Clt_Un); return true;
            case Opcode.I32GtS: _il.Emit(OpCodes.Cgt); return true;
            case Opcode.I32GtU: _il.Emit(OpCodes.Cgt_Un); return true;
            case Opcode.I32LeS: _il.Emit(OpCodes.Cgt); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.I32LeU: _il.Emit(OpCodes.Cgt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.I32GeS: _il.Emit(OpCodes.Clt); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.I32GeU: _il.Emit(OpCodes.Clt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.I32Clz: _il.Emit(OpCodes.Call, Members.Numeric("I32Clz")); return true;
            case Opcode.I32Ctz: _il.Emit(OpCodes.Call, Members.Numeric("I32Ctz")); return true;
            case Opcode.I32Popcnt: _il.Emit(OpCodes.Call, Members.Numeric("I32Popcnt")); return true;
            case Opcode.I32DivS: _il.Emit(OpCodes.Call, Members.Numeric("I32DivS")); return true;
            case Opcode.I32DivU: _il.Emit(OpCodes.Call, Members.Numeric("I32DivU")); return true;
            case Opcode.I32RemS: _il.Emit(OpCodes.Call, Members.Numeric("I32RemS")); return true;
            case Opcode.I32RemU: _il.Emit(OpCodes.Call, Members.Numeric("I32RemU")); return true;
            case Opcode.I32Rotl: _il.Emit(OpCodes.Call, Members.Numeric("I32Rotl")); return true;
            case Opcode.I32Rotr: _il.Emit(OpCodes.Call, Members.Numeric("I32Rotr")); return true;
            case Opcode.I32Add: _il.Emit(OpCodes.Add); return true;
            case Opcode.I32Sub: _il.Emit(OpCodes.Sub); return true;
            case Opcode.I32Mul: _il.Emit(OpCodes.Mul); return true;
            case Opcode.I32And: _il.Emit(OpCodes.And); return true;
            case Opcode.I32Or: _il.Emit(OpCodes.Or); return true;
            case Opcode.I32Xor: _il.Emit(OpCodes.Xor); return true;
            case Opcode.I32Shl: _il.Emit(OpCodes.Ldc_I4, 31); _il.Emit(OpCodes.And); _il.Emit(OpCodes.Shl); return true;
            case Opcode.I32ShrS: _il.Emit(OpCodes.Ldc_I4, 31); _il.Emit(OpCodes.And); _il.Emit(OpCodes.Shr); return true;
            case Opcode.I32ShrU: _il.Emit(OpCodes.Ldc_I4, 31); _il.Emit(OpCodes.And); _il.Emit(OpCodes.Shr_Un); return true;
            case Opcode.I64Eqz: _il.Emit(OpCodes.Ldc_I8, 0L); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.I64Eq: _il.Emit(OpCodes.Ceq); return true;
            case Opcode.I64Ne: _il.Emit(OpCodes.Ceq); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.I64LtS: _il.Emit(OpCodes.Clt); return true;
            case Opcode.I64LtU: _il.Emit(OpCodes.Clt_Un); return true;
            case Opcode.I64GtS: _il.Emit(OpCodes.Cgt); return true;
            case Opcode.I64GtU: _il.Emit(OpCodes.Cgt_Un); return true;
            case Opcode.I64LeS: _il.Emit(OpCodes.Cgt); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.I64LeU: _il.Emit(OpCodes.Cgt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.I64GeS: _il.Emit(OpCodes.Clt); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.I64GeU: _il.Emit(OpCodes.Clt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.I64Clz: _il.Emit(OpCodes.Call, Members.Numeric("I64Clz")); return true;
            case Opcode.I64Ctz: _il.Emit(OpCodes.Call, Members.Numeric("I64Ctz")); return true;
            case Opcode.I64Popcnt: _il.Emit(OpCodes.Call, Members.Numeric("I64Popcnt")); return true;
            case Opcode.I64DivS: _il.Emit(OpCodes.Call, Members.Numeric("I64DivS")); return true;
            case Opcode.I64DivU: _il.Emit(OpCodes.Call, Members.Numeric("I64DivU")); return true;
            case Opcode.I64RemS: _il.Emit(OpCodes.Call, Members.Numeric("I64RemS")); return true;
            case Opcode.I64RemU: _il.Emit(OpCodes.Call, Members.Numeric("I64RemU")); return true;
            case Opcode.I64Rotl: _il.Emit(OpCodes.Call, Members.Numeric("I64Rotl")); return true;
            case Opcode.I64Rotr: _il.Emit(OpCodes.Call, Members.Numeric("I64Rotr")); return true;
            case Opcode.I64Add: _il.Emit(OpCodes.Add); return true;
            case Opcode.I64Sub: _il.Emit(OpCodes.Sub); return true;
            case Opcode.I64Mul: _il.Emit(OpCodes.Mul); return true;
            case Opcode.I64And: _il.Emit(OpCodes.And); return true;
            case Opcode.I64Or: _il.Emit(OpCodes.Or); return true;
            case Opcode.I64Xor: _il.Emit(OpCodes.Xor); return true;
            case Opcode.I64Shl: _il.Emit(OpCodes.Conv_I4); _il.Emit(OpCodes.Ldc_I4, 63); _il.Emit(OpCodes.And); _il.Emit(OpCodes.Shl); return true;
            case Opcode.I64ShrS: _il.Emit(OpCodes.Conv_I4); _il.Emit(OpCodes.Ldc_I4, 63); _il.Emit(OpCodes.And); _il.Emit(OpCodes.Shr); return true;
            case Opcode.I64ShrU: _il.Emit(OpCodes.Conv_I4); _il.Emit(OpCodes.Ldc_I4, 63); _il.Emit(OpCodes.And); _il.Emit(OpCodes.Shr_Un); return true;
            case Opcode.F32Eq: _il.Emit(OpCodes.Ceq); return true;
            case Opcode.F32Ne: _il.Emit(OpCodes.Ceq); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.F32Lt: _il.Emit(OpCodes.Clt); return true;
            case Opcode.F32Gt: _il.Emit(OpCodes.Cgt); return true;
            case Opcode.F32Le: _il.Emit(OpCodes.Cgt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.F32Ge: _il.Emit(OpCodes.Clt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.F32Abs: _il.Emit(OpCodes.Call, Members.Numeric("F32Abs")); return true;
            case Opcode.F32Neg: _il.Emit(OpCodes.Call, Members.Numeric("F32Neg")); return true;
            case Opcode.F32Ceil: _il.Emit(OpCodes.Call, Members.Numeric("F32Ceil")); return true;
            case Opcode.F32Floor: _il.Emit(OpCodes.Call, Members.Numeric("F32Floor")); return true;
            case Opcode.F32Trunc: _il.Emit(OpCodes.Call, Members.Numeric("F32Trunc")); return true;
            case Opcode.F32Nearest: _il.Emit(OpCodes.Call, Members.Numeric("F32Nearest")); return true;
            case Opcode.F32Sqrt: _il.Emit(OpCodes.Call, Members.Numeric("F32Sqrt")); return true;
            case Opcode.F32Min: _il.Emit(OpCodes.Call, Members.Numeric("F32Min")); return true;
            case Opcode.F32Max: _il.Emit(OpCodes.Call, Members.Numeric("F32Max")); return true;
            case Opcode.F32Copysign: _il.Emit(OpCodes.Call, Members.Numeric("F32Copysign")); return true;
            case Opcode.F32Add: _il.Emit(OpCodes.Add); return true;
            case Opcode.F32Sub: _il.Emit(OpCodes.Sub); return true;
            case Opcode.F32Mul: _il.Emit(OpCodes.Mul); return true;
            case Opcode.F32Div: _il.Emit(OpCodes.Div); return true;
            case Opcode.F64Eq: _il.Emit(OpCodes.Ceq); return true;
            case Opcode.F64Ne: _il.Emit(OpCodes.Ceq); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.F64Lt: _il.Emit(OpCodes.Clt); return true;
            case Opcode.F64Gt: _il.Emit(OpCodes.Cgt); return true;
            case Opcode.F64Le: _il.Emit(OpCodes.Cgt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.F64Ge: _il.Emit(OpCodes.Clt_Un); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return true;
            case Opcode.F64Abs: _il.Emit(OpCodes.Call, Members.Numeric("F64Abs")); return true;
            case Opcode.F64Neg: _il.Emit(OpCodes.Call, Members.Numeric("F64Neg")); return true;
            case Opcode.F64Ceil: _il.Emit(OpCodes.Call, Members.Numeric("F64Ceil")); return true;
            case Opcode.F64Floor: _il.Emit(OpCodes.Call, Members.Numeric("F64Floor")); return true;
            case Opcode.F64Trunc: _il.Emit(OpCodes.Call, Members.Numeric("F64Trunc")); return true;
            case Opcode.F64Nearest: _il.Emit(OpCodes.Call, Members.Numeric("F64Nearest")); return true;
            case Opcode.F64Sqrt: _il.Emit(OpCodes.Call, Members.Numeric("F64Sqrt")); return true;
            case Opcode.F64Min: _il.Emit(OpCodes.Call, Members.Numeric("F64Min")); return true;
            case Opcode.F64Max: _il.Emit(OpCodes.Call, Members.Numeric("F64Max")); return true;
            case Opcode.F64Copysign: _il.Emit(OpCodes.Call, Members.Numeric("F64Copysign")); return true;
            case Opcode.F64Add: _il.Emit(OpCodes.Add); return true;
            case Opcode.F64Sub: _il.Emit(OpCodes.Sub); return true;
            case Opcode.F64Mul: _il.Emit(OpCodes.Mul); return true;
            case Opcode.F64Div: _il.Emit(OpCodes.Div); return true;
            case Opcode.I32WrapI64: _il.Emit(OpCodes.Conv_I4); return true;
            case Opcode.I32TruncF32S: _il.Emit(OpCodes.Call, Members.Numeric("I32TruncF32S")); return true;
            case Opcode.I32TruncSatF32S: _il.Emit(OpCodes.Call, Members.Numeric("I32TruncSatF32S")); return true;
            case Opcode.I32TruncF64S: _il.Emit(OpCodes.Call, Members.Numeric("I32TruncF64S")); return true;
            case Opcode.I32TruncSatF64S: _il.Emit(OpCodes.Call, Members.Numeric("I32TruncSatF64S")); return true;
            case Opcode.I64TruncF32S: _il.Emit(OpCodes.Call, Members.Numeric("I64TruncF32S")); return true;
            case Opcode.I64TruncSatF32S: _il.Emit(OpCodes.Call, Members.Numeric("I64TruncSatF32S")); return true;
            case Opcode.I64TruncF64S: _il.Emit(OpCodes.Call, Members.Numeric("I64TruncF64S")); return true;
            case Opcode.I64TruncSatF64S: _il.Emit(OpCodes.Call, Members.Numeric("I64TruncSatF64S")); return true;
            case Opcode.I32TruncF32U: _il.Emit(OpCodes.Call, Members.Numeric("I32TruncF32U")); return true;
            case Opcode.I32TruncSatF32U: _il.Emit(OpCodes.Call, Members.Numeric("I32TruncSatF32U")); return true;
            case Opcode.I32TruncF64U: _il.Emit(OpCodes.Call, Members.Numeric("I32TruncF64U")); return true;
            case Opcode.I32TruncSatF64U: _il.Emit(OpCodes.Call, Members.Numeric("I32TruncSatF64U")); return true;
            case Opcode.I64TruncF32U: _il.Emit(OpCodes.Call, Members.Numeric("I64TruncF32U")); return true;
            case Opcode.I64TruncSatF32U: _il.Emit(OpCodes.Call, Members.Numeric("I64TruncSatF32U")); return true;
            case Opcode.I64TruncF64U: _il.Emit(OpCodes.Call, Members.Numeric("I64TruncF64U")); return true;
            case Opcode.I64TruncSatF64U: _il.Emit(OpCodes.Call, Members.Numeric("I64TruncSatF64U")); return true;
            case Opcode.I64ExtendI32S: _il.Emit(OpCodes.Conv_I8); return true;
            case Opcode.I64ExtendI32U: _il.Emit(OpCodes.Conv_U8); return true;
            case Opcode.F32ConvertI32S: _il.Emit(OpCodes.Conv_R4); return true;
            case Opcode.F32ConvertI32U: _il.Emit(OpCodes.Call, Members.Numeric("F32ConvertI32U")); return true;
            case Opcode.F32ConvertI64S: _il.Emit(OpCodes.Conv_R4); return true;
            case Opcode.F32ConvertI64U: _il.Emit(OpCodes.Call, Members.Numeric("F32ConvertI64U")); return true;
            case Opcode.F32DemoteF64: _il.Emit(OpCodes.Call, Members.Numeric("F32DemoteF64")); return true;
            case Opcode.F64ConvertI32S: _il.Emit(OpCodes.Conv_R8); return true;
            case Opcode.F64ConvertI32U: _il.Emit(OpCodes.Call, Members.Numeric("F64ConvertI32U")); return true;
            case Opcode.F64ConvertI64S: _il.Emit(OpCodes.Conv_R8); return true;
            case Opcode.F64ConvertI64U: _il.Emit(OpCodes.Call, Members.Numeric("F64ConvertI64U")); return true;
            case Opcode.F64PromoteF32: _il.Emit(OpCodes.Call, Members.Numeric("F64PromoteF32")); return true;
            case Opcode.I32ReinterpretF32: _il.Emit(OpCodes.Call, Members.Numeric("I32FromF32")); return true;
            case Opcode.I64ReinterpretF64: _il.Emit(OpCodes.Call, Members.Numeric("I64FromF64")); return true;
            case Opcode.F32ReinterpretI32:
                // The JIT folds the reinterpretation of an int it knows (a constant it propagated
                // through a local, say) into a float constant, kept as a double: a signaling NaN
                // comes out quieted. x ^ 0 with a zero it cannot see keeps the bits its own.
                _il.Emit(OpCodes.Ldsfld, Members.OpaqueZeroI32);
                _il.Emit(OpCodes.Xor);
                _il.Emit(OpCodes.Call, Members.Numeric("F32FromBits"));
                return true;
            case Opcode.F64ReinterpretI64: _il.Emit(OpCodes.Call, Members.Numeric("F64FromBits")); return true;
            case Opcode.I32Extend8S: _il.Emit(OpCodes.Conv_I1); return true;
            case Opcode.I32Extend16S: _il.Emit(OpCodes.Conv_I2); return true;
            case Opcode.I64Extend8S: _il.Emit(OpCodes.Conv_I1); _il.Emit(OpCodes.Conv_I8); return true;
            case Opcode.I64Extend16S: _il.Emit(OpCodes.Conv_I2); _il.Emit(OpCodes.Conv_I8); return true;
            case Opcode.I64Extend32S: _il.Emit(OpCodes.Conv_I4); _il.Emit(OpCodes.Conv_I8); return true;
            case OpaqueF32Add: _il.Emit(OpCodes.Call, Members.Numeric(nameof(NumericOps.F32AddOpaque))); return true;
            case OpaqueF32Sub: _il.Emit(OpCodes.Call, Members.Numeric(nameof(NumericOps.F32SubOpaque))); return true;
            case OpaqueF32Mul: _il.Emit(OpCodes.Call, Members.Numeric(nameof(NumericOps.F32MulOpaque))); return true;
            case OpaqueF32Div: _il.Emit(OpCodes.Call, Members.Numeric(nameof(NumericOps.F32DivOpaque))); return true;
            case OpaqueF64Add: _il.Emit(OpCodes.Call, Members.Numeric(nameof(NumericOps.F64AddOpaque))); return true;
            case OpaqueF64Sub: _il.Emit(OpCodes.Call, Members.Numeric(nameof(NumericOps.F64SubOpaque))); return true;
            case OpaqueF64Mul: _il.Emit(OpCodes.Call, Members.Numeric(nameof(NumericOps.F64MulOpaque))); return true;
            case OpaqueF64Div: _il.Emit(OpCodes.Call, Members.Numeric(nameof(NumericOps.F64DivOpaque))); return true;
            default: return false;
        }
    }
}
