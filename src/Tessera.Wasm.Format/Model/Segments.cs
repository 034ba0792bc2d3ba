
namespace Tessera.Wasm.Model;

/// <summary>How a segment is applied: copied at instantiation, kept for bulk operations, or only declared.</summary>
public enum SegmentMode : byte
{
    Active,
    Passive,
    /// <summary>Element segments only: declares functions that <c>ref.func</c> may name.</summary>
    Declarative,
}

/// <summary>
/// An element segment. Items are either plain function indices (the common, compact encoding) or
/// constant expressions; exactly one of <see cref="Functions"/> and <see cref="Expressions"/> is non-null.
/// </summary>
public sealed record ElementSegment(SegmentMode Mode, ValType ElementType)
{
    public TableIndex Table { get; init; }
    public ConstExpr Offset { get; init; }
    public ReadOnlyValues<FuncIndex>? Functions { get; init; }
    public ReadOnlyValues<ConstExpr>? Expressions { get; init; }
    public int Count => Functions?.Length ?? Expressions!.Value.Length;
}

/// <summary>A data segment; <see cref="Bytes"/> is a slice of the module binary.</summary>
public sealed record DataSegment(SegmentMode Mode, ReadOnlyMemory<byte> Bytes)
{
    public MemoryIndex Memory { get; init; }
    public ConstExpr Offset { get; init; }
}
