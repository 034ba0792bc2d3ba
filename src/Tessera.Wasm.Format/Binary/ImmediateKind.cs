namespace Tessera.Wasm.Binary;

/// <summary>How the immediates that follow an opcode are encoded (binary format 5.4).</summary>
public enum ImmediateKind : byte
{
    None,
    /// <summary>Block type: 0x40, a value type, or a type index as s33.</summary>
    BlockType,
    /// <summary>A label index (u32).</summary>
    Label,
    /// <summary>A vector of label indices followed by the default label.</summary>
    BrTable,
    /// <summary>A function index (u32).</summary>
    Func,
    /// <summary>A type index then a table index.</summary>
    CallIndirect,
    /// <summary>A type index (u32).</summary>
    Type,
    /// <summary>A local index (u32).</summary>
    Local,
    /// <summary>A global index (u32).</summary>
    Global,
    /// <summary>A table index (u32).</summary>
    Table,
    /// <summary>A memory index (u32; a single zero byte before multi-memory).</summary>
    Memory,
    /// <summary>Alignment (with bit 6 announcing a memory index), optional memory index, offset.</summary>
    MemArg,
    /// <summary>A memarg followed by a lane index byte.</summary>
    MemArgLane,
    /// <summary>A data index then a memory index.</summary>
    MemoryInit,
    /// <summary>Destination then source memory index.</summary>
    MemoryCopy,
    /// <summary>A data index (u32).</summary>
    Data,
    /// <summary>An element segment index then a table index.</summary>
    TableInit,
    /// <summary>Destination then source table index.</summary>
    TableCopy,
    /// <summary>An element segment index (u32).</summary>
    Elem,
    /// <summary>A signed 32-bit LEB128 constant.</summary>
    I32,
    /// <summary>A signed 64-bit LEB128 constant.</summary>
    I64,
    /// <summary>Four little-endian bytes.</summary>
    F32,
    /// <summary>Eight little-endian bytes.</summary>
    F64,
    /// <summary>Sixteen bytes.</summary>
    V128,
    /// <summary>A lane index byte.</summary>
    Lane,
    /// <summary>Sixteen lane index bytes.</summary>
    Shuffle,
    /// <summary>A vector of value types (typed <c>select</c>).</summary>
    SelectTyped,
    /// <summary>A heap type (<c>ref.null</c>).</summary>
    HeapType,
    /// <summary>A tag index (u32).</summary>
    Tag,
    /// <summary>A block type then a vector of catch clauses.</summary>
    TryTable,
}
