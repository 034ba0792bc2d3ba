using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Validation;

// The instructions typed by their own rule rather than a fixed signature (OpcodeInfo.Signature is
// null): control, calls, parametric, variable, table, reference and bulk-memory instructions, and
// memory.size/grow. Each case reads all of its immediates before checking anything, so a malformed
// immediate is reported as malformed even when the instruction is also invalid.

internal sealed partial class FunctionValidator
{
    /// <summary>Checks one special instruction; returns false after the <c>end</c> that closes the function.</summary>
    private bool Special(ref WasmReader r, OpcodeInfo info)
    {
        switch (info.Opcode)
        {
            case Opcode.Unreachable:
                SetUnreachable();
                break;
            case Opcode.Block:
                EnterBlock(ref r, FrameKind.Block);
                break;
            case Opcode.Loop:
                EnterBlock(ref r, FrameKind.Loop);
                break;
            case Opcode.If:
                EnterBlock(ref r, FrameKind.If);
                break;
            case Opcode.Else:
                {
                    if (_frames[_fp - 1].Kind != FrameKind.If) FailFormat("END opcode expected", "else without a matching if");
                    var f = PopFrame();
                    PushFrame(FrameKind.Else, f.Shape, f.Single, f.Signature);
                    break;
                }
            case Opcode.End:
                return End(ref r);
            case Opcode.Br:
                PopValues(LabelTypes(ref Label(r.ReadU32())));
                SetUnreachable();
                break;
            case Opcode.BrIf:
                {
                    uint depth = r.ReadU32();
                    ref var label = ref Label(depth);
                    PopKind(ValTypeKind.I32);
                    var types = LabelTypes(ref label);
                    PopValues(types);
                    PushValues(types);
                    break;
                }
            case Opcode.BrTable:
                BrTable(ref r);
                break;
            case Opcode.Return:
                PopValues(_type.Results);
                SetUnreachable();
                break;
            case Opcode.Call:
                {
                    var callee = Function(r.ReadU32());
                    PopValues(callee.Parameters);
                    PushValues(callee.Results);
                    break;
                }
            case Opcode.CallIndirect:
                {
                    var callee = CallIndirectType(ref r);
                    PopValues(callee.Parameters);
                    PushValues(callee.Results);
                    break;
                }
            case Opcode.ReturnCall:
                {
                    var callee = Function(r.ReadU32());
                    CheckTailCallResults(callee);
                    PopValues(callee.Parameters);
                    SetUnreachable();
                    break;
                }
            case Opcode.ReturnCallIndirect:
                {
                    var callee = CallIndirectType(ref r);
                    CheckTailCallResults(callee);
                    PopValues(callee.Parameters);
                    SetUnreachable();
                    break;
                }
            case Opcode.Drop:
                Pop();
                break;
            case Opcode.Select:
                Select();
                break;
            case Opcode.SelectTyped:
                SelectTyped(ref r);
                break;
            case Opcode.LocalGet:
                Push(LocalType(r.ReadU32()));
                break;
            case Opcode.LocalSet:
                Pop(LocalType(r.ReadU32()));
                break;
            case Opcode.LocalTee:
                {
                    var type = LocalType(r.ReadU32());
                    Pop(type);
                    Push(type);
                    break;
                }
            case Opcode.GlobalGet:
                Push(Global(r.ReadU32()).Type);
                break;
            case Opcode.GlobalSet:
                {
                    uint index = r.ReadU32();
                    var global = Global(index);
                    if (!global.Mutable) Fail("global is immutable", $"global {index}");
                    Pop(global.Type);
                    break;
                }
            case Opcode.TableGet:
                {
                    var table = Table(r.ReadU32());
                    PopAddress(table.Limits);
                    Push(table.ElementType);
                    break;
                }
            case Opcode.TableSet:
                {
                    var table = Table(r.ReadU32());
                    Pop(table.ElementType);
                    PopAddress(table.Limits);
                    break;
                }
            case Opcode.TableSize:
                Push(ModuleContext.AddressType(Table(r.ReadU32()).Limits));
                break;
            case Opcode.TableGrow:
                {
                    var table = Table(r.ReadU32());
                    PopAddress(table.Limits);
                    Pop(table.ElementType);
                    Push(ModuleContext.AddressType(table.Limits));
                    break;
                }
            case Opcode.TableFill:
                {
                    var table = Table(r.ReadU32());
                    PopAddress(table.Limits);
                    Pop(table.ElementType);
                    PopAddress(table.Limits);
                    break;
                }
            case Opcode.TableCopy:
                {
                    uint dstIndex = r.ReadU32();
                    uint srcIndex = r.ReadU32();
                    var dst = Table(dstIndex);
                    var src = Table(srcIndex);
                    if (!Matches(src.ElementType, dst.ElementType)) Fail("type mismatch", $"table.copy from {src.ElementType} table {srcIndex} to {dst.ElementType} table {dstIndex}");
                    PopKind(dst.Limits.Is64 && src.Limits.Is64 ? ValTypeKind.I64 : ValTypeKind.I32);
                    PopAddress(src.Limits);
                    PopAddress(dst.Limits);
                    break;
                }
            case Opcode.TableInit:
                {
                    uint elemIndex = r.ReadU32();
                    uint tableIndex = r.ReadU32();
                    var table = Table(tableIndex);
                    var segment = ElementSegment(elemIndex);
                    if (!Matches(segment.ElementType, table.ElementType)) Fail("type mismatch", $"table.init of {segment.ElementType} segment {elemIndex} into {table.ElementType} table {tableIndex}");
                    PopKind(ValTypeKind.I32);
                    PopKind(ValTypeKind.I32);
                    PopAddress(table.Limits);
                    break;
                }
            case Opcode.ElemDrop:
                ElementSegment(r.ReadU32());
                break;
            case Opcode.MemorySize:
                Push(ModuleContext.AddressType(Memory(r.ReadMemoryIndex(_ctx.MultiMemory).Value).Limits));
                break;
            case Opcode.MemoryGrow:
                {
                    var memory = Memory(r.ReadMemoryIndex(_ctx.MultiMemory).Value);
                    PopAddress(memory.Limits);
                    Push(ModuleContext.AddressType(memory.Limits));
                    break;
                }
            case Opcode.MemoryFill:
                {
                    var memory = Memory(r.ReadMemoryIndex(_ctx.MultiMemory).Value);
                    PopAddress(memory.Limits);
                    PopKind(ValTypeKind.I32);
                    PopAddress(memory.Limits);
                    break;
                }
            case Opcode.MemoryCopy:
                {
                    var dst = Memory(r.ReadMemoryIndex(_ctx.MultiMemory).Value);
                    var src = Memory(r.ReadMemoryIndex(_ctx.MultiMemory).Value);
                    PopKind(dst.Limits.Is64 && src.Limits.Is64 ? ValTypeKind.I64 : ValTypeKind.I32);
                    PopAddress(src.Limits);
                    PopAddress(dst.Limits);
                    break;
                }
            case Opcode.MemoryInit:
                {
                    uint dataIndex = r.ReadU32();
                    var memoryIndex = r.ReadMemoryIndex(_ctx.MultiMemory);
                    RequireDataCount();
                    var memory = Memory(memoryIndex.Value);
                    DataSegment(dataIndex);
                    PopKind(ValTypeKind.I32);
                    PopKind(ValTypeKind.I32);
                    PopAddress(memory.Limits);
                    break;
                }
            case Opcode.DataDrop:
                {
                    uint dataIndex = r.ReadU32();
                    RequireDataCount();
                    DataSegment(dataIndex);
                    break;
                }
            case Opcode.RefNull:
                {
                    var heap = r.ReadHeapType();
                    var type = ValType.Ref(heap, nullable: true);
                    var problem = _ctx.CheckHeapType(heap, nullable: true);
                    if (problem != ValTypeProblem.None) ValTypeFailure(problem, type, "ref.null");
                    Push(type);
                    break;
                }
            case Opcode.RefIsNull:
                {
                    var operand = Pop();
                    if (operand.Kind != 0 && !operand.IsRef) Fail("type mismatch", $"ref.is_null expects a reference, found {operand}");
                    Push(ValType.I32);
                    break;
                }
            case Opcode.RefFunc:
                {
                    uint index = r.ReadU32();
                    Function(index);
                    if (!_ctx.IsDeclaredReference(index)) Fail("undeclared function reference", $"function {index} is not named in an element segment, export or global initializer");
                    Push(_ctx.FunctionReferenceType(index));
                    break;
                }
            default:
                // Enabled, but typed by a proposal this validator does not implement yet
                // (exceptions, typed function references, gc).
                Unsupported(info.Feature, info.Name);
                break;
        }
        return true;
    }

    private void EnterBlock(ref WasmReader r, FrameKind kind)
    {
        var blockType = r.ReadBlockType();
        var shape = BlockShape.Empty;
        ValType single = default;
        FuncType? signature = null;
        if (blockType.IsValue)
        {
            single = blockType.Value;
            var problem = _ctx.CheckValType(single);
            if (problem != ValTypeProblem.None) ValTypeFailure(problem, single, "block type");
            shape = BlockShape.Single;
        }
        else if (blockType.IsTypeIndex)
        {
            signature = _ctx.TypeOrNull(blockType.TypeIndex);
            if (signature is null) Fail("unknown type", $"block type {blockType.TypeIndex}, the module has {_ctx.Types.Count} types");
            shape = BlockShape.Signature;
        }
        if (kind == FrameKind.If) PopKind(ValTypeKind.I32);
        if (signature is not null) PopValues(signature.Parameters);
        PushFrame(kind, shape, single, signature);
    }

    private bool End(ref WasmReader r)
    {
        var frame = PopFrame();
        if (frame.Kind == FrameKind.If)
        {
            // No else: the implicit empty else passes the parameters through as results.
            var start = StartTypes(ref frame);
            var end = EndTypes(ref frame);
            if (start.Length != end.Length) Fail("type mismatch", $"if without else must have as many results as parameters ({end.Length} vs {start.Length})");
            for (int i = 0; i < start.Length; i++)
            {
                if (!Matches(start[i], end[i])) Mismatch(end[i], start[i]);
            }
        }
        if (_fp == 0)
        {
            if (!r.AtEnd) FailFormat("section size mismatch", $"{r.Remaining} byte(s) after the end of the function");
            return false;
        }
        PushValues(EndTypes(ref frame));
        return true;
    }

    /// <summary><c>br_table</c>: every target's label types must have the default's arity and match
    /// the stack; in unreachable code the stack may supply Unknown values.</summary>
    private void BrTable(ref WasmReader r)
    {
        uint count = r.ReadCount();
        var targets = r;
        for (uint i = 0; i < count; i++) r.ReadU32();
        uint defaultDepth = r.ReadU32();

        PopKind(ValTypeKind.I32);
        int arity = LabelTypes(ref Label(defaultDepth)).Length;
        for (uint i = 0; i < count; i++)
        {
            uint depth = targets.ReadU32();
            var types = LabelTypes(ref Label(depth));
            if (types.Length != arity) Fail("type mismatch", $"br_table target {depth} has {types.Length} value(s), the default {defaultDepth} has {arity}");
            PopValuesKeep(types);
        }
        PopValues(LabelTypes(ref Label(defaultDepth)));
        SetUnreachable();
    }

    private void Select()
    {
        PopKind(ValTypeKind.I32);
        var t1 = Pop();
        var t2 = Pop();
        if (!(IsNumberOrUnknown(t1) && IsNumberOrUnknown(t2) || IsVectorOrUnknown(t1) && IsVectorOrUnknown(t2)))
        {
            Fail("type mismatch", $"select without a type needs number or vector operands, found {t2} and {t1}");
        }
        if (t1 != t2 && t1.Kind != 0 && t2.Kind != 0) Fail("type mismatch", $"select operands differ: {t2} and {t1}");
        Push(t1.Kind == 0 ? t2 : t1);
    }

    private static bool IsNumberOrUnknown(ValType t) => t.IsNumeric || t.Kind == 0;
    private static bool IsVectorOrUnknown(ValType t) => t.Kind is ValTypeKind.V128 or 0;

    private void SelectTyped(ref WasmReader r)
    {
        uint count = r.ReadCount();
        ValType type = default;
        for (uint i = 0; i < count; i++) type = r.ReadValType();
        if (count != 1) Fail("invalid result arity", $"select has {count} result types");
        var problem = _ctx.CheckValType(type);
        if (problem != ValTypeProblem.None) ValTypeFailure(problem, type, "select");
        PopKind(ValTypeKind.I32);
        Pop(type);
        Pop(type);
        Push(type);
    }

    private FuncType CallIndirectType(ref WasmReader r)
    {
        uint typeIndex = r.ReadU32();
        uint tableIndex = r.ReadU32();
        var table = Table(tableIndex);
        if (!Matches(table.ElementType, ValType.FuncRef)) Fail("type mismatch", $"call_indirect through table {tableIndex} of {table.ElementType}");
        var type = _ctx.TypeOrNull(new TypeIndex(typeIndex));
        if (type is null) Fail("unknown type", $"type {typeIndex}, the module has {_ctx.Types.Count} types");
        PopAddress(table.Limits);
        return type;
    }

    /// <summary>A tail call returns the callee's results as the caller's.</summary>
    private void CheckTailCallResults(FuncType callee)
    {
        var results = _type.Results;
        bool ok = callee.Results.Length == results.Length;
        for (int i = 0; ok && i < results.Length; i++) ok = Matches(callee.Results[i], results[i]);
        if (!ok) Fail("type mismatch", $"tail call to a function returning [{string.Join(' ', callee.Results)}] from one returning [{string.Join(' ', results)}]");
    }

    private void PopAddress(in Limits limits) => PopKind(limits.Is64 ? ValTypeKind.I64 : ValTypeKind.I32);

    // ---- index lookups: each reports the spec's "unknown ..." rule --------------------------------

    private FuncType Function(uint index)
    {
        var types = _ctx.FunctionTypes;
        if (index >= (uint)types.Length) Fail("unknown function", $"function {index}, the module has {types.Length}");
        return types[index];
    }

    private GlobalType Global(uint index)
    {
        var globals = _ctx.Globals;
        if (index >= (uint)globals.Length) Fail("unknown global", $"global {index}, the module has {globals.Length}");
        return globals[index];
    }

    private TableType Table(uint index)
    {
        var tables = _ctx.Tables;
        if (index >= (uint)tables.Length) Fail("unknown table", $"table {index}, the module has {tables.Length}");
        return tables[index];
    }

    private MemoryType Memory(uint index)
    {
        var memories = _ctx.Memories;
        if (index >= (uint)memories.Length) Fail("unknown memory", $"memory {index}, the module has {memories.Length}");
        return memories[index];
    }

    private ElementSegment ElementSegment(uint index)
    {
        var elements = _ctx.Module.Elements;
        if (index >= (uint)elements.Count) Fail("unknown elem segment", $"segment {index}, the module has {elements.Count}");
        return elements[(int)index];
    }

    /// <summary>Without a data count section, memory.init and data.drop make the binary malformed
    /// (binary format 5.5.13). The decoder leaves instructions to the validator, so it is reported here.</summary>
    private void RequireDataCount()
    {
        if (_ctx.Module.DataCount is null) FailFormat("data count section required", "memory.init and data.drop need a data count section");
    }

    private void DataSegment(uint index)
    {
        uint count = _ctx.Module.DataCount.GetValueOrDefault();
        if (index >= count) Fail("unknown data segment", $"segment {index}, the module has {count}");
    }
}
