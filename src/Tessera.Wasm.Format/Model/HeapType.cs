namespace Tessera.Wasm.Model;

/// <summary>
/// A heap type: either an abstract type (func, extern, and the 3.0 GC hierarchy) or a concrete
/// type index. Stored as one int: a type index is non-negative, an abstract type is the negated
/// binary code of its constructor (so the encoding round-trips without a table).
/// </summary>
public readonly struct HeapType : IEquatable<HeapType>
{
    internal int Code { get; }
    private HeapType(int code) => Code = code;

    internal static HeapType FromCode(int code) => new(code);

    public static HeapType Abstract(AbstractHeapType kind) => new(-(int)kind);
    public static HeapType Concrete(TypeIndex index) => new(checked((int)index.Value));

    public static readonly HeapType Func = Abstract(AbstractHeapType.Func);
    public static readonly HeapType Extern = Abstract(AbstractHeapType.Extern);

    public bool IsConcrete => Code >= 0;
    public TypeIndex TypeIndex => IsConcrete ? new TypeIndex((uint)Code) : throw new InvalidOperationException("abstract heap type");
    public AbstractHeapType AbstractKind => IsConcrete ? throw new InvalidOperationException("concrete heap type") : (AbstractHeapType)(-Code);

    public bool Equals(HeapType other) => Code == other.Code;
    public override bool Equals(object? obj) => obj is HeapType h && Equals(h);
    public override int GetHashCode() => Code;
    public static bool operator ==(HeapType a, HeapType b) => a.Code == b.Code;
    public static bool operator !=(HeapType a, HeapType b) => a.Code != b.Code;

    public override string ToString() => IsConcrete ? Code.ToString(System.Globalization.CultureInfo.InvariantCulture) : AbstractKind switch
    {
        AbstractHeapType.Func => "func",
        AbstractHeapType.Extern => "extern",
        AbstractHeapType.Any => "any",
        AbstractHeapType.Eq => "eq",
        AbstractHeapType.I31 => "i31",
        AbstractHeapType.Struct => "struct",
        AbstractHeapType.Array => "array",
        AbstractHeapType.Exn => "exn",
        AbstractHeapType.NoExn => "noexn",
        AbstractHeapType.NoFunc => "nofunc",
        AbstractHeapType.NoExtern => "noextern",
        AbstractHeapType.None => "none",
        _ => "?",
    };
}

/// <summary>Abstract heap types by their binary code (3.0, 5.3.4).</summary>
public enum AbstractHeapType : byte
{
    NoExn = 0x74,
    NoFunc = 0x73,
    NoExtern = 0x72,
    None = 0x71,
    Func = 0x70,
    Extern = 0x6F,
    Any = 0x6E,
    Eq = 0x6D,
    I31 = 0x6C,
    Struct = 0x6B,
    Array = 0x6A,
    Exn = 0x69,
}
