namespace Tessera.Wasm.Model;

/// <summary>The kind of a value type: a number, a vector, or a reference.</summary>
/// <remarks>Values are the binary encodings of the type constructors (WebAssembly 3.0, 5.3.3).</remarks>
public enum ValTypeKind : byte
{
    I32 = 0x7F,
    I64 = 0x7E,
    F32 = 0x7D,
    F64 = 0x7C,
    V128 = 0x7B,
    /// <summary><c>(ref null? ht)</c>; the 2.0 types funcref and externref are nullable references.</summary>
    Ref = 0x64,
}

/// <summary>
/// A value type. Eight bytes, compared by value. Reference types carry a <see cref="HeapType"/>
/// and a nullability bit so that the typed function references and GC proposals fit without a
/// new representation.
/// </summary>
public readonly struct ValType : IEquatable<ValType>
{
    private readonly int _heap;
    public ValTypeKind Kind { get; }
    public bool IsNullable { get; }

    private ValType(ValTypeKind kind, bool nullable, int heap)
    {
        Kind = kind;
        IsNullable = nullable;
        _heap = heap;
    }

    public static readonly ValType I32 = new(ValTypeKind.I32, false, 0);
    public static readonly ValType I64 = new(ValTypeKind.I64, false, 0);
    public static readonly ValType F32 = new(ValTypeKind.F32, false, 0);
    public static readonly ValType F64 = new(ValTypeKind.F64, false, 0);
    public static readonly ValType V128 = new(ValTypeKind.V128, false, 0);
    /// <summary><c>funcref</c>, that is <c>(ref null func)</c>.</summary>
    public static readonly ValType FuncRef = Ref(HeapType.Func, nullable: true);
    /// <summary><c>externref</c>, that is <c>(ref null extern)</c>.</summary>
    public static readonly ValType ExternRef = Ref(HeapType.Extern, nullable: true);

    public static ValType Ref(HeapType heap, bool nullable) => new(ValTypeKind.Ref, nullable, heap.Code);

    /// <summary>The heap type of a reference type; meaningless for other kinds.</summary>
    public HeapType Heap => HeapType.FromCode(_heap);

    public bool IsRef => Kind == ValTypeKind.Ref;
    public bool IsNumeric => Kind is ValTypeKind.I32 or ValTypeKind.I64 or ValTypeKind.F32 or ValTypeKind.F64;

    public bool Equals(ValType other) => Kind == other.Kind && IsNullable == other.IsNullable && _heap == other._heap;
    public override bool Equals(object? obj) => obj is ValType v && Equals(v);
    // Not HashCode.Combine: a generic method over these types is JIT-compiled at start-up, where
    // this is used before anything runs (docs/benchmarks.md, Startup).
    public override int GetHashCode() => (int)Kind | (IsNullable ? 0x100 : 0) | (_heap << 9);
    public static bool operator ==(ValType a, ValType b) => a.Equals(b);
    public static bool operator !=(ValType a, ValType b) => !a.Equals(b);

    /// <summary>The text-format spelling, e.g. <c>i32</c>, <c>funcref</c>, <c>(ref null 3)</c>.</summary>
    public override string ToString() => Kind switch
    {
        ValTypeKind.I32 => "i32",
        ValTypeKind.I64 => "i64",
        ValTypeKind.F32 => "f32",
        ValTypeKind.F64 => "f64",
        ValTypeKind.V128 => "v128",
        _ when this == FuncRef => "funcref",
        _ when this == ExternRef => "externref",
        _ => IsNullable ? $"(ref null {Heap})" : $"(ref {Heap})",
    };
}
