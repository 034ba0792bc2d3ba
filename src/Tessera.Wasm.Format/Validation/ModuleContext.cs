using System.Diagnostics.CodeAnalysis;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Validation;

/// <summary>
/// The spec's context C for one module: every index space resolved into an array (imports first),
/// the set C.refs of declared function references, and the enabled features. Built once per
/// module so that instruction checks are array lookups, never scans of the import list.
/// </summary>
/// <remarks>Constructing the context checks the type index of every function (rule "unknown type"),
/// so every entry of <see cref="FunctionTypes"/> is a real type.</remarks>
internal sealed class ModuleContext
{
    private readonly ulong[] _declaredRefs;

    /// <summary>The engine's limit on nested blocks in one body (the engine's <c>EngineLimits</c>).</summary>
    public int MaxNestingDepth { get; init; } = int.MaxValue;

    /// <summary>The engine's limit on a body's operand stack height (the engine's <c>EngineLimits</c>);
    /// without one, the validator's own cap (<see cref="FunctionValidator.MaxOperandStack"/>) holds.</summary>
    public int MaxOperandStackHeight { get; init; } = FunctionValidator.MaxOperandStack;

    public ModuleContext(ModuleDefinition module, WasmFeatures features)
    {
        Module = module;
        Features = features;
        TypeCount = module.Types.Count;
        FunctionTypes = new FuncType[module.TotalFunctionCount];
        FunctionTypeIndices = new TypeIndex[module.TotalFunctionCount];
        Tables = new TableType[module.TotalTableCount];
        Memories = new MemoryType[module.TotalMemoryCount];
        Globals = new GlobalType[module.TotalGlobalCount];
        int f = 0, t = 0, m = 0, g = 0;
        foreach (var import in module.Imports)
        {
            switch (import.Kind)
            {
                case ExternKind.Func:
                    FunctionTypeIndices[f] = import.FunctionType;
                    FunctionTypes[f++] = TypeOrNull(import.FunctionType) ?? UnknownType(SectionId.Import, import.FunctionType, $"function import \"{import.Module}\" \"{import.Name}\"");
                    break;
                case ExternKind.Table: Tables[t++] = import.Table; break;
                case ExternKind.Memory: Memories[m++] = import.Memory; break;
                case ExternKind.Global: Globals[g++] = import.Global; break;
            }
        }
        foreach (var type in module.Functions)
        {
            FunctionTypeIndices[f] = type;
            FunctionTypes[f] = TypeOrNull(type) ?? UnknownType(SectionId.Function, type, $"function {f}");
            f++;
        }
        foreach (var table in module.Tables) Tables[t++] = table;
        foreach (var memory in module.Memories) Memories[m++] = memory;
        foreach (var global in module.Globals) Globals[g++] = global.Type;
        _declaredRefs = new ulong[(FunctionTypes.Length + 63) / 64];
        MultiMemory = (features & WasmFeatures.MultiMemory) != 0;
        Memory64 = (features & WasmFeatures.Memory64) != 0;
        TypedReferences = (features & WasmFeatures.FunctionReferences) != 0;
    }

    public ModuleDefinition Module { get; }
    public WasmFeatures Features { get; }
    /// <summary>The number of entries of the type section.</summary>
    public int TypeCount { get; }
    /// <summary>The type of each function in the function index space.</summary>
    public FuncType[] FunctionTypes { get; }
    /// <summary>The type index of each function in the function index space.</summary>
    public TypeIndex[] FunctionTypeIndices { get; }
    public TableType[] Tables { get; }
    public MemoryType[] Memories { get; }
    public GlobalType[] Globals { get; }
    public bool MultiMemory { get; }
    public bool Memory64 { get; }
    /// <summary>Typed function references are on: <c>ref.func</c> yields a non-null concrete reference.</summary>
    public bool TypedReferences { get; }

    public FuncType? TypeOrNull(TypeIndex index) => index.Value < (uint)TypeCount ? Module.Type(index) : null;

    /// <summary>The type of <c>ref.func</c> of function <paramref name="index"/>: funcref in 2.0,
    /// a non-null reference to the function's type with typed function references.</summary>
    public ValType FunctionReferenceType(FuncIndex index) =>
        TypedReferences ? ValType.Ref(HeapType.Concrete(FunctionTypeIndices[index.Value]), nullable: false) : ValType.FuncRef;

    /// <summary>Adds function <paramref name="index"/> to C.refs (it must exist).</summary>
    public void DeclareReference(FuncIndex index) => _declaredRefs[index.Value >> 6] |= 1UL << (int)(index.Value & 63);

    /// <summary>Whether function <paramref name="index"/> is in C.refs.</summary>
    public bool IsDeclaredReference(FuncIndex index) => (_declaredRefs[index.Value >> 6] & (1UL << (int)(index.Value & 63))) != 0;

    /// <summary>Whether <paramref name="type"/> may be used here: its type index exists and its
    /// proposal is enabled.</summary>
    public ValTypeProblem CheckValType(ValType type)
    {
        if (type.IsRef) return CheckHeapType(type.Heap, type.IsNullable);
        if (type.Kind == ValTypeKind.V128 && (Features & WasmFeatures.Simd) == 0) return ValTypeProblem.Simd;
        return ValTypeProblem.None;
    }

    /// <summary>Whether a reference to <paramref name="heap"/> may be used here.</summary>
    public ValTypeProblem CheckHeapType(HeapType heap, bool nullable)
    {
        if (heap.IsConcrete)
        {
            if (!TypedReferences) return ValTypeProblem.FunctionReferences;
            return heap.TypeIndex.Value < (uint)TypeCount ? ValTypeProblem.None : ValTypeProblem.UnknownType;
        }
        switch (heap.AbstractKind)
        {
            case AbstractHeapType.Func:
            case AbstractHeapType.Extern:
                return nullable || TypedReferences ? ValTypeProblem.None : ValTypeProblem.FunctionReferences;
            case AbstractHeapType.Exn:
            case AbstractHeapType.NoExn:
                return (Features & WasmFeatures.Exceptions) != 0 ? ValTypeProblem.None : ValTypeProblem.Exceptions;
            default:
                return ValTypeProblem.Gc;
        }
    }

    /// <summary>The address type of a table or memory: i64 for the 64-bit variants, else i32.</summary>
    public static ValType AddressType(in Limits limits) => limits.Is64 ? ValType.I64 : ValType.I32;

    /// <summary>Throws a validation error for a module-level entry without a recorded offset; the
    /// offset reported is the start of <paramref name="section"/> in the module binary.</summary>
    [DoesNotReturn]
    public void Fail(SectionId section, string rule, string? detail = null) =>
        throw new WasmValidationException(rule, SectionOffset(Module.Bytes.Span, section), detail: detail);

    [DoesNotReturn]
    private FuncType UnknownType(SectionId section, TypeIndex index, string what) =>
        throw new WasmValidationException("unknown type", SectionOffset(Module.Bytes.Span, section), detail: $"{what} has type {index}, the module has {TypeCount} types");

    /// <summary>Throws a validation error at a known offset outside any function body.</summary>
    [DoesNotReturn]
    public static void Fail(int offset, string rule, string? detail = null) =>
        throw new WasmValidationException(rule, offset, detail: detail);

    /// <summary>Offset of the first section with id <paramref name="id"/>, found by walking the section
    /// headers (only on the error path); 0 when the bytes are not a module binary or lack the section.</summary>
    internal static int SectionOffset(ReadOnlySpan<byte> bytes, SectionId id)
    {
        int pos = 8;
        while (pos < bytes.Length)
        {
            int start = pos;
            byte sectionId = bytes[pos++];
            uint size = 0;
            for (int shift = 0; shift < 35; shift += 7)
            {
                if (pos >= bytes.Length) return 0;
                byte b = bytes[pos++];
                size |= (uint)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) break;
            }
            if (sectionId == (byte)id) return start;
            if (size > (uint)(bytes.Length - pos)) return 0;
            pos += (int)size;
        }
        return 0;
    }
}
