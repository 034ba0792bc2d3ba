using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Validation;

// The instructions typed by their own rule rather than a fixed signature (OpcodeInfo.Signature is
// null), and memory.size/grow. Each case reads all of its immediates before checking anything, so a
// malformed immediate is reported as malformed even when the instruction is also invalid.

internal sealed partial class FunctionValidator
{
    /// <summary>Checks one of the less frequent special instructions (the frequent ones are in
    /// <see cref="Dispatch"/>).</summary>
    private bool Special(ref WasmReader r, OpcodeInfo info)
    {
        switch (info.Opcode)
        {
            case Opcode.Unreachable:
                SetUnreachable();
                break;
            case Opcode.Else:
                {
                    if (_frames[_fp - 1].Kind != FrameKind.If) FailFormat("END opcode expected", "else without a matching if");
                    var f = PopFrame();
                    PushFrame(FrameKind.Else, f.Shape, f.Single, f.Signature);
                    break;
                }
            case Opcode.BrTable:
                BrTable(ref r);
                break;
            case Opcode.Return:
                PopValues(_type.Results.AsSpan());
                SetUnreachable();
                break;
            case Opcode.CallIndirect:
                {
                    var callee = CallIndirectType(ref r);
                    PopValues(callee.Parameters.AsSpan());
                    PushValues(callee.Results.AsSpan());
                    break;
                }
            case Opcode.ReturnCall:
                {
                    var callee = Function(r.ReadFuncIndex());
                    CheckTailCallResults(callee);
                    PopValues(callee.Parameters.AsSpan());
                    SetUnreachable();
                    break;
                }
            case Opcode.ReturnCallIndirect:
                {
                    var callee = CallIndirectType(ref r);
                    CheckTailCallResults(callee);
                    PopValues(callee.Parameters.AsSpan());
                    SetUnreachable();
                    break;
                }
            case Opcode.Select:
                Select();
                break;
            case Opcode.SelectTyped:
                SelectTyped(ref r);
                break;
            case Opcode.GlobalSet:
                {
                    ref readonly var global = ref Global(r.ReadGlobalIndex());
                    if (!global.Mutable) Fail("global is immutable", "global.set of an immutable global");
                    Pop(global.Type);
                    break;
                }
            case Opcode.MemorySize:
            case Opcode.MemoryGrow:
            case Opcode.MemoryFill:
            case Opcode.MemoryCopy:
            case Opcode.MemoryInit:
            case Opcode.DataDrop:
                BulkMemory(ref r, info.Opcode);
                break;
            case Opcode.TableGet:
            case Opcode.TableSet:
            case Opcode.TableSize:
            case Opcode.TableGrow:
            case Opcode.TableFill:
            case Opcode.TableCopy:
            case Opcode.TableInit:
            case Opcode.ElemDrop:
                TableInstruction(ref r, info.Opcode);
                break;
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
                    if (operand.Kind != 0 && !operand.IsRef) FailMismatch(ValType.FuncRef, operand);
                    Push(ValType.I32);
                    break;
                }
            case Opcode.RefFunc:
                {
                    var index = r.ReadFuncIndex();
                    Function(index);
                    if (!_ctx.IsDeclaredReference(index)) Fail("undeclared function reference", "ref.func of a function not named in an element segment, export or global initializer");
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
            if (problem != ValTypeProblem.None) ValTypeFailure(problem, single, "block");
            shape = BlockShape.Single;
        }
        else if (blockType.IsTypeIndex)
        {
            signature = _ctx.TypeOrNull(blockType.TypeIndex);
            if (signature is null) FailUnknown("unknown type", "block type", blockType.TypeIndex.Value, (ulong)_ctx.TypeCount);
            if ((_features & WasmFeatures.MultiValue) == 0) Unsupported(WasmFeatures.MultiValue, "a block with a type index");
            shape = BlockShape.Signature;
        }
        if (kind == FrameKind.If) PopKind(ValTypeKind.I32);
        if (signature is not null) PopValues(signature.Parameters.AsSpan());
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
            bool ok = start.Length == end.Length;
            for (int i = 0; ok && i < start.Length; i++) ok = Matches(start[i], end[i]);
            if (!ok) FailTypes("if without else passes its parameters through", start, end);
        }
        if (_fp == 0)
        {
            if (!r.AtEnd) FailFormat("section size mismatch", "bytes after the end of the function");
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
            var types = LabelTypes(ref Label(targets.ReadU32()));
            if (types.Length != arity) Fail("type mismatch", "br_table targets differ in arity");
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
            Fail("type mismatch", "select without a type needs number or vector operands");
        }
        if (t1 != t2 && t1.Kind != 0 && t2.Kind != 0) FailMismatch(t2, t1);
        Push(t1.Kind == 0 ? t2 : t1);
    }

    private static bool IsNumberOrUnknown(ValType t) => t.IsNumeric || t.Kind == 0;
    private static bool IsVectorOrUnknown(ValType t) => t.Kind is ValTypeKind.V128 or 0;

    private void SelectTyped(ref WasmReader r)
    {
        uint count = r.ReadCount();
        ValType type = default;
        for (uint i = 0; i < count; i++) type = r.ReadValType();
        if (count != 1) Fail("invalid result arity", "select must have exactly one result type");
        var problem = _ctx.CheckValType(type);
        if (problem != ValTypeProblem.None) ValTypeFailure(problem, type, "select");
        PopKind(ValTypeKind.I32);
        Pop(type);
        Pop(type);
        Push(type);
    }

    private FuncType CallIndirectType(ref WasmReader r)
    {
        var typeIndex = r.ReadTypeIndex();
        ref readonly var table = ref Table(r.ReadTableIndex());
        if (!Matches(table.ElementType, ValType.FuncRef)) FailMismatch(ValType.FuncRef, table.ElementType);
        var type = _ctx.TypeOrNull(typeIndex);
        if (type is null) FailUnknown("unknown type", "type", typeIndex.Value, (ulong)_ctx.TypeCount);
        PopAddress(table.Limits.Is64);
        return type;
    }

    /// <summary>A tail call returns the callee's results as the caller's.</summary>
    private void CheckTailCallResults(FuncType callee)
    {
        var results = _type.Results;
        bool ok = callee.Results.Length == results.Length;
        for (int i = 0; ok && i < results.Length; i++) ok = Matches(callee.Results[i], results[i]);
        if (!ok) FailTypes("a tail call's results must be the caller's", callee.Results.AsSpan(), results.AsSpan());
    }

    private void BulkMemory(ref WasmReader r, Opcode opcode)
    {
        bool multiMemory = _ctx.MultiMemory;
        switch (opcode)
        {
            case Opcode.MemorySize:
                Push(ModuleContext.AddressType(Memory(r.ReadMemoryIndex(multiMemory)).Limits));
                break;
            case Opcode.MemoryGrow:
                {
                    var limits = Memory(r.ReadMemoryIndex(multiMemory)).Limits;
                    PopAddress(limits.Is64);
                    Push(ModuleContext.AddressType(limits));
                    break;
                }
            case Opcode.MemoryFill:
                {
                    var limits = Memory(r.ReadMemoryIndex(multiMemory)).Limits;
                    PopAddress(limits.Is64);
                    PopKind(ValTypeKind.I32);
                    PopAddress(limits.Is64);
                    break;
                }
            case Opcode.MemoryCopy:
                {
                    var dstIndex = r.ReadMemoryIndex(multiMemory);
                    var srcIndex = r.ReadMemoryIndex(multiMemory);
                    var dst = Memory(dstIndex).Limits;
                    var src = Memory(srcIndex).Limits;
                    PopKind(dst.Is64 && src.Is64 ? ValTypeKind.I64 : ValTypeKind.I32);
                    PopAddress(src.Is64);
                    PopAddress(dst.Is64);
                    break;
                }
            case Opcode.MemoryInit:
                {
                    var dataIndex = r.ReadDataIndex();
                    var memoryIndex = r.ReadMemoryIndex(multiMemory);
                    RequireDataCount();
                    var limits = Memory(memoryIndex).Limits;
                    DataSegment(dataIndex);
                    PopKind(ValTypeKind.I32);
                    PopKind(ValTypeKind.I32);
                    PopAddress(limits.Is64);
                    break;
                }
            default:
                {
                    var dataIndex = r.ReadDataIndex();
                    RequireDataCount();
                    DataSegment(dataIndex);
                    break;
                }
        }
    }

    private void TableInstruction(ref WasmReader r, Opcode opcode)
    {
        switch (opcode)
        {
            case Opcode.TableGet:
                {
                    ref readonly var table = ref Table(r.ReadTableIndex());
                    PopAddress(table.Limits.Is64);
                    Push(table.ElementType);
                    break;
                }
            case Opcode.TableSet:
                {
                    ref readonly var table = ref Table(r.ReadTableIndex());
                    Pop(table.ElementType);
                    PopAddress(table.Limits.Is64);
                    break;
                }
            case Opcode.TableSize:
                Push(ModuleContext.AddressType(Table(r.ReadTableIndex()).Limits));
                break;
            case Opcode.TableGrow:
                {
                    ref readonly var table = ref Table(r.ReadTableIndex());
                    PopAddress(table.Limits.Is64);
                    Pop(table.ElementType);
                    Push(ModuleContext.AddressType(table.Limits));
                    break;
                }
            case Opcode.TableFill:
                {
                    ref readonly var table = ref Table(r.ReadTableIndex());
                    PopAddress(table.Limits.Is64);
                    Pop(table.ElementType);
                    PopAddress(table.Limits.Is64);
                    break;
                }
            case Opcode.TableCopy:
                {
                    var dstIndex = r.ReadTableIndex();
                    var srcIndex = r.ReadTableIndex();
                    ref readonly var dst = ref Table(dstIndex);
                    ref readonly var src = ref Table(srcIndex);
                    if (!Matches(src.ElementType, dst.ElementType)) FailMismatch(dst.ElementType, src.ElementType);
                    PopKind(dst.Limits.Is64 && src.Limits.Is64 ? ValTypeKind.I64 : ValTypeKind.I32);
                    PopAddress(src.Limits.Is64);
                    PopAddress(dst.Limits.Is64);
                    break;
                }
            case Opcode.TableInit:
                {
                    var elemIndex = r.ReadElemIndex();
                    var tableIndex = r.ReadTableIndex();
                    ref readonly var table = ref Table(tableIndex);
                    var segment = ElementSegment(elemIndex);
                    if (!Matches(segment.ElementType, table.ElementType)) FailMismatch(table.ElementType, segment.ElementType);
                    PopKind(ValTypeKind.I32);
                    PopKind(ValTypeKind.I32);
                    PopAddress(table.Limits.Is64);
                    break;
                }
            default:
                ElementSegment(r.ReadElemIndex());
                break;
        }
    }

    private void PopAddress(bool is64) => PopKind(is64 ? ValTypeKind.I64 : ValTypeKind.I32);

    // ---- index lookups: each reports the spec's "unknown ..." rule --------------------------------

    private FuncType Function(FuncIndex index)
    {
        var types = _ctx.FunctionTypes;
        if (index.Value >= (uint)types.Length) FailUnknown("unknown function", "function", index.Value, (ulong)types.Length);
        return types[index.Value];
    }

    private ref readonly GlobalType Global(GlobalIndex index)
    {
        var globals = _ctx.Globals;
        if (index.Value >= (uint)globals.Length) FailUnknown("unknown global", "global", index.Value, (ulong)globals.Length);
        return ref globals[index.Value];
    }

    private ref readonly TableType Table(TableIndex index)
    {
        var tables = _ctx.Tables;
        if (index.Value >= (uint)tables.Length) FailUnknown("unknown table", "table", index.Value, (ulong)tables.Length);
        return ref tables[index.Value];
    }

    private ref readonly MemoryType Memory(MemoryIndex index)
    {
        var memories = _ctx.Memories;
        if (index.Value >= (uint)memories.Length) FailUnknown("unknown memory", "memory", index.Value, (ulong)memories.Length);
        return ref memories[index.Value];
    }

    private ElementSegment ElementSegment(ElemIndex index)
    {
        var module = _ctx.Module;
        if (index.Value >= (uint)module.Elements.Count) FailUnknown("unknown elem segment", "element segment", index.Value, (ulong)module.Elements.Count);
        return module.ElementSegment(index);
    }

    /// <summary>Without a data count section, memory.init and data.drop make the binary malformed
    /// (binary format 5.5.13). The decoder leaves instructions to the validator, so it is reported here.</summary>
    private void RequireDataCount()
    {
        if (_ctx.Module.DataCount is null) FailFormat("data count section required", "memory.init and data.drop need a data count section");
    }

    private void DataSegment(DataIndex index)
    {
        uint count = _ctx.Module.DataCount.GetValueOrDefault();
        if (index.Value >= count) FailUnknown("unknown data segment", "data segment", index.Value, count);
    }
}
