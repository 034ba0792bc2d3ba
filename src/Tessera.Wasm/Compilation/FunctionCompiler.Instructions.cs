using System.Reflection.Emit;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

// The instruction loop: control, variables, memory, constants; numeric instructions are in
// FunctionCompiler.Numeric.cs. Anything else throws WasmUnsupportedFeatureException.
internal sealed partial class FunctionCompiler
{
    private void Translate(ref WasmReader reader)
    {
        while (true)
        {
            _opcodeOffset = reader.Offset;
            // IL's max stack is 16 bits, and a module may stack 65,536 constants before it adds
            // them up (the JIT then refused the method at its first call): past a few thousand
            // values the IL stack goes to its homes. Real code never stacks this deep.
            if (_ilDepth > MaxIlStackDepth) SpillIlStack();
            var op = reader.ReadOpcode();
            bool endsFlow = false;
            switch (op)
            {
                case Opcode.Nop: break;
                case Opcode.Unreachable:
                    _il.Emit(OpCodes.Ldc_I4, (int)TrapKind.Unreachable);
                    _il.Emit(OpCodes.Call, Members.TrapCreate);
                    _il.Emit(OpCodes.Throw);
                    _ilDepth = 0;
                    endsFlow = true;
                    break;
                case Opcode.Block: EnterBlock(FrameKind.Block, reader.ReadBlockType()); break;
                case Opcode.Loop: EnterBlock(FrameKind.Loop, reader.ReadBlockType()); break;
                case Opcode.If: EnterIf(reader.ReadBlockType()); break;
                case Opcode.Else: Else(reachable: true); break;
                case Opcode.End:
                    if (End(reachable: true)) return;
                    break;
                case Opcode.Br: Branch(reader.ReadU32()); endsFlow = true; break;
                case Opcode.BrIf: BranchIf(reader.ReadU32()); break;
                case Opcode.BrTable: BranchTable(ref reader); endsFlow = true; break;
                case Opcode.Return: Branch((uint)_frames.Count - 1); endsFlow = true; break;
                case Opcode.Call: Call(reader.ReadFuncIndex(), tail: false); break;
                case Opcode.ReturnCall: Call(reader.ReadFuncIndex(), tail: true); endsFlow = true; break;
                case Opcode.CallIndirect or Opcode.ReturnCallIndirect:
                    {
                        var typeIndex = reader.ReadTypeIndex();
                        var tableIndex = reader.ReadTableIndex();
                        bool tail = op == Opcode.ReturnCallIndirect;
                        CallIndirect(typeIndex, tableIndex, tail);
                        endsFlow = tail;
                        break;
                    }
                case Opcode.Drop:
                    if (_ilDepth > 0) _il.Emit(OpCodes.Pop);
                    Pop(1);
                    break;
                case Opcode.Select: Select(); break;
                case Opcode.SelectTyped:
                    {
                        uint n = reader.ReadCount();
                        for (uint i = 0; i < n; i++) reader.ReadValType();
                        Select();
                        break;
                    }
                case Opcode.LocalGet: LocalGet(reader.ReadLocalIndex()); break;
                case Opcode.LocalSet: LocalSet(reader.ReadLocalIndex(), tee: false); break;
                case Opcode.LocalTee: LocalSet(reader.ReadLocalIndex(), tee: true); break;
                case Opcode.GlobalGet: GlobalGet(reader.ReadGlobalIndex()); break;
                case Opcode.GlobalSet: GlobalSet(reader.ReadGlobalIndex()); break;
                case Opcode.I32Const:
                    {
                        int value = reader.ReadS32();
                        _il.Emit(OpCodes.Ldc_I4, value);
                        Push(ValTypeKind.I32, (uint)value);
                        break;
                    }
                case Opcode.I64Const:
                    {
                        long value = reader.ReadS64();
                        _il.Emit(OpCodes.Ldc_I8, value);
                        Push(ValTypeKind.I64, (ulong)value);
                        break;
                    }
                case Opcode.F32Const:
                    {
                        // Through the bits, so a NaN constant keeps its payload. The JIT keeps float
                        // constants as doubles, which quiets a signaling NaN: those stay opaque to it.
                        uint bits = reader.ReadFixedU32();
                        EmitF32Constant(bits);
                        Push(ValTypeKind.F32, bits);
                    }
                    break;
                case Opcode.F64Const:
                    {
                        ulong bits = reader.ReadFixedU64();
                        _il.Emit(OpCodes.Ldc_I8, (long)bits);
                        _il.Emit(OpCodes.Call, Members.Numeric(nameof(NumericOps.F64FromBits)));
                        Push(ValTypeKind.F64, bits);
                    }
                    break;
                // Validated code: without multi-memory every memory index is the byte 0, which
                // reads the same as the LEB128 index multi-memory allows.
                case Opcode.MemorySize: MemorySize(reader.ReadMemoryIndex(multiMemory: true)); break;
                case Opcode.MemoryGrow: MemoryGrow(reader.ReadMemoryIndex(multiMemory: true)); break;
                case Opcode.MemoryCopy:
                    {
                        var destination = reader.ReadMemoryIndex(multiMemory: true);
                        var source = reader.ReadMemoryIndex(multiMemory: true);
                        MemoryCopy(destination, source);
                        break;
                    }
                case Opcode.MemoryFill:
                    BulkMemory(nameof(MemoryOps.Fill), reader.ReadMemoryIndex(multiMemory: true), segment: null);
                    break;
                case Opcode.MemoryInit:
                    {
                        var segment = reader.ReadDataIndex();
                        BulkMemory(nameof(MemoryOps.Init), reader.ReadMemoryIndex(multiMemory: true), segment);
                        break;
                    }
                case Opcode.DataDrop:
                    DropSegment(Members.Data, reader.ReadDataIndex().Value, Members.EmptyBytes);
                    break;
                case Opcode.TableCopy:
                    {
                        var to = reader.ReadTableIndex();
                        var from = reader.ReadTableIndex();
                        Need(3);
                        LoadTable(to);
                        LoadTable(from);
                        _il.Emit(OpCodes.Call, Members.Table(nameof(CallOps.TableCopy)));
                        Pop(3);
                        break;
                    }
                case Opcode.TableInit:
                    {
                        var segment = reader.ReadElemIndex();
                        var table = reader.ReadTableIndex();
                        Need(3);
                        LoadTable(table);
                        LoadContextElement(Members.Elements, segment.Value);
                        _il.Emit(OpCodes.Call, Members.Table(nameof(CallOps.TableInit)));
                        Pop(3);
                        break;
                    }
                case Opcode.ElemDrop:
                    DropSegment(Members.Elements, reader.ReadElemIndex().Value, Members.EmptyFuncs);
                    break;
                case Opcode.RefNull:
                    reader.ReadHeapType();
                    _il.Emit(OpCodes.Ldnull);
                    Push(ValTypeKind.Ref);
                    break;
                case Opcode.RefIsNull:
                    Need(1);
                    _il.Emit(OpCodes.Ldnull);
                    _il.Emit(OpCodes.Ceq);
                    Pop(1);
                    Push(ValTypeKind.I32);
                    break;
                case Opcode.RefFunc:
                    // The instance makes a function's reference on first use (a function of this
                    // module, or an imported host function bound to this instance).
                    _il.Emit(OpCodes.Ldarg_0);
                    _il.Emit(OpCodes.Ldc_I4, (int)reader.ReadFuncIndex().Value);
                    _il.Emit(OpCodes.Call, Members.FunctionRef);
                    Push(ValTypeKind.Ref);
                    break;
                case Opcode.TableGet: TableOp(nameof(CallOps.TableGet), reader.ReadTableIndex(), 1, ValTypeKind.Ref); break;
                case Opcode.TableSet: TableOp(nameof(CallOps.TableSet), reader.ReadTableIndex(), 2, null); break;
                case Opcode.TableGrow: TableOp(nameof(CallOps.TableGrow), reader.ReadTableIndex(), 2, ValTypeKind.I32); break;
                case Opcode.TableFill: TableOp(nameof(CallOps.TableFill), reader.ReadTableIndex(), 3, null); break;
                case Opcode.TableSize:
                    LoadTable(reader.ReadTableIndex());
                    _il.Emit(OpCodes.Call, Members.Table(nameof(CallOps.TableSize)));
                    Push(ValTypeKind.I32);
                    break;
                default:
                    var info = OpcodeTable.Lookup(op) ?? throw new WasmFormatException("illegal opcode", reader.Offset);
                    if (info.Feature is WasmFeatures.Simd && Simd(op, info, ref reader)) break;
                    if (info.Immediate == ImmediateKind.MemArg && info.Feature is WasmFeatures.Mvp && MemoryAccess(op, info, ref reader)) break;
                    if (info.Immediate == ImmediateKind.None && info.Pops is { } pops && info.Pushes is { Length: 1 } pushes)
                    {
                        bool safe = IsRotateSafe(op);
                        Need(pops.Length, keep: safe ? pops.Length : 0);
                        bool rotated = IsRotate(op) || (safe && AnyRotated(pops.Length));
                        if (HasIdentityConstant(op, pops.Length)) op = OpaqueVariant(op);
                        if (ReinterpretConstant(op)) break;
                        if (EmitNumeric(op))
                        {
                            Pop(pops.Length);
                            Push(pushes[0].Kind, rotated: rotated);
                            break;
                        }
                    }
                    throw new WasmUnsupportedFeatureException(FeatureName(info.Feature), $"{info.Name} in {Where}");
            }
            if (endsFlow)
            {
                var next = SkipUnreachable(ref reader);
                if (next == Opcode.Else) Else(reachable: false);
                else if (End(reachable: false)) return;
            }
        }
    }

    private static string FeatureName(WasmFeatures feature) => feature switch
    {
        WasmFeatures.Simd => "simd",
        WasmFeatures.BulkMemory => "bulk-memory",
        WasmFeatures.ReferenceTypes => "reference-types",
        _ => feature.ToString().ToLowerInvariant(),
    };

    /// <summary>Loads an f32 constant through its bits, so a NaN keeps its payload. The JIT keeps
    /// float constants as doubles, which quiets a signaling NaN: those stay opaque to it.</summary>
    private void EmitF32Constant(uint bits)
    {
        bool signaling = (bits & 0x7F80_0000) == 0x7F80_0000 && (bits & 0x007F_FFFF) != 0 && (bits & 0x0040_0000) == 0;
        _il.Emit(OpCodes.Ldc_I4, (int)bits);
        _il.Emit(OpCodes.Call, Members.Numeric(signaling ? nameof(NumericOps.F32FromBitsOpaque) : nameof(NumericOps.F32FromBits)));
    }

    /// <summary>
    /// <c>f32.reinterpret_i32</c> or <c>f64.reinterpret_i64</c> of a constant is that float
    /// constant: emitted as <c>f32.const</c> is (the JIT folded the reinterpretation of an i32
    /// constant into a float constant and so quieted a signaling NaN), and known as a constant to
    /// what follows (a local or home it is stored in hides it; <see cref="HasIdentityConstant"/>
    /// sees it).
    /// </summary>
    private bool ReinterpretConstant(Opcode op)
    {
        if (op is not (Opcode.F32ReinterpretI32 or Opcode.F64ReinterpretI64) || _constants[^1] is not { } bits) return false;
        _il.Emit(OpCodes.Pop);
        Pop(1);
        if (op == Opcode.F32ReinterpretI32)
        {
            EmitF32Constant((uint)bits);
            Push(ValTypeKind.F32, (uint)bits);
        }
        else
        {
            _il.Emit(OpCodes.Ldc_I8, (long)bits);
            _il.Emit(OpCodes.Call, Members.Numeric(nameof(NumericOps.F64FromBits)));
            Push(ValTypeKind.F64, bits);
        }
        return true;
    }

    /// <summary>The JIT folds x - 0, x * 1, x / 1, x + -0 and x * -1 on floats, which would return
    /// a signaling NaN operand unquieted; the spec requires an arithmetic NaN.</summary>
    private bool HasIdentityConstant(Opcode op, int arity)
    {
        if (arity != 2 || op is not (Opcode.F32Add or Opcode.F32Sub or Opcode.F32Mul or Opcode.F32Div or
            Opcode.F64Add or Opcode.F64Sub or Opcode.F64Mul or Opcode.F64Div)) return false;
        for (int i = _constants.Count - 2; i < _constants.Count; i++)
        {
            if (_constants[i] is not { } bits) continue;
            double v = _stack[i] == ValTypeKind.F32 ? BitConverter.UInt32BitsToSingle((uint)bits) : BitConverter.UInt64BitsToDouble(bits);
            if (v is 0.0 or 1.0 or -1.0) return true;
        }
        return false;
    }

    private static Opcode OpaqueVariant(Opcode op) => op switch
    {
        Opcode.F32Add => OpaqueF32Add,
        Opcode.F32Sub => OpaqueF32Sub,
        Opcode.F32Mul => OpaqueF32Mul,
        Opcode.F32Div => OpaqueF32Div,
        Opcode.F64Add => OpaqueF64Add,
        Opcode.F64Sub => OpaqueF64Sub,
        Opcode.F64Mul => OpaqueF64Mul,
        _ => OpaqueF64Div,
    };

    // Pseudo-opcodes outside the instruction set for the opaque float arithmetic.
    private const Opcode OpaqueF32Add = (Opcode)0x7FFF_0000;
    private const Opcode OpaqueF32Sub = (Opcode)0x7FFF_0001;
    private const Opcode OpaqueF32Mul = (Opcode)0x7FFF_0002;
    private const Opcode OpaqueF32Div = (Opcode)0x7FFF_0003;
    private const Opcode OpaqueF64Add = (Opcode)0x7FFF_0004;
    private const Opcode OpaqueF64Sub = (Opcode)0x7FFF_0005;
    private const Opcode OpaqueF64Mul = (Opcode)0x7FFF_0006;
    private const Opcode OpaqueF64Div = (Opcode)0x7FFF_0007;

    /// <summary>A table instruction: its operands, then the table, as the helper's arguments.</summary>
    private void TableOp(string helper, TableIndex table, int operands, ValTypeKind? result)
    {
        Need(operands);
        LoadTable(table);
        _il.Emit(OpCodes.Call, Members.Table(helper));
        Pop(operands);
        if (result is { } kind) Push(kind);
    }

    private void LoadTable(TableIndex index)
    {
        LoadContextElement(Members.Tables, index.Value);
    }

    /// <summary>memory.fill and init: three i32 operands, then the memory's buffer (and the segment).</summary>
    private void BulkMemory(string helper, MemoryIndex memory, DataIndex? segment)
    {
        Need(3);
        LoadMemoryBuffer(memory);
        if (segment is { } index)
        {
            LoadContextElement(Members.Data, index.Value);
        }
        _il.Emit(OpCodes.Call, Members.Memory(helper));
        Pop(3);
    }

    private void Select()
    {
        Need(3);
        var kind = _stack[^2];
        string name = kind switch
        {
            ValTypeKind.I32 => nameof(NumericOps.SelectI32),
            ValTypeKind.I64 => nameof(NumericOps.SelectI64),
            ValTypeKind.F32 => nameof(NumericOps.SelectF32),
            ValTypeKind.F64 => nameof(NumericOps.SelectF64),
            _ => "",
        };
        _il.Emit(OpCodes.Call, kind switch
        {
            ValTypeKind.Ref => Members.Table(nameof(CallOps.SelectRef)),
            ValTypeKind.V128 => Members.Simd(nameof(SimdOps.Select)),
            _ => Members.Numeric(name),
        });
        Pop(3);
        Push(kind);
    }

    /// <summary>Loads and stores: address (and value) on the stack, then the static offset and
    /// the memory's buffer as the helper's last arguments.</summary>
    private bool MemoryAccess(Opcode op, OpcodeInfo info, ref WasmReader reader)
    {
        if (info.Pops is not { } pops || info.Pushes is not { } pushes) return false;
        // Validated code sets the memory-index flag only when multi-memory is on.
        var memArg = reader.ReadMemArg(multiMemory: true, memory64: false);
        // A store only writes its value (the top operand); its address is bounds-checked.
        Need(pops.Length, keep: pushes.Length == 0 ? 1 : 0);
        _il.Emit(OpCodes.Ldc_I8, (long)memArg.Offset);
        // Under guard pages the JIT turns a load whose value is unused into a 4-byte probe of its
        // first bytes, which misses an 8-byte load straddling the memory's end: a load dropped at
        // once keeps its check (docs/memory.md, Guard pages, says what is left).
        if (pushes.Length == 1 && reader.PeekByte() == (byte)Opcode.Drop) LoadMemoryBuffer(memArg.Memory);
        else LoadMemoryForAccess(memArg.Memory, memArg.Offset);
        _il.Emit(OpCodes.Call, Members.Memory(op.ToString()));
        Pop(pops.Length);
        if (pushes.Length == 1) Push(pushes[0].Kind);
        return true;
    }
}
