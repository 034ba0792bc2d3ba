using Tessera.Wasm.Model;

namespace Tessera.Wasm.Text;

/// <summary>A lane interpretation of a 128-bit vector, as written after <c>v128.const</c>.</summary>
public enum V128Shape : byte
{
    /// <summary>Sixteen 8-bit integer lanes.</summary>
    I8x16,
    /// <summary>Eight 16-bit integer lanes.</summary>
    I16x8,
    /// <summary>Four 32-bit integer lanes.</summary>
    I32x4,
    /// <summary>Two 64-bit integer lanes.</summary>
    I64x2,
    /// <summary>Four f32 lanes.</summary>
    F32x4,
    /// <summary>Two f64 lanes.</summary>
    F64x2,
}

/// <summary>What a float result must be when it is not an exact value.</summary>
public enum NanPattern : byte
{
    /// <summary>The value is exact (compare bits).</summary>
    None,
    /// <summary><c>nan:canonical</c>: a NaN whose payload is exactly the most significant mantissa bit, either sign.</summary>
    Canonical,
    /// <summary><c>nan:arithmetic</c>: a NaN with the most significant mantissa bit set, either sign.</summary>
    Arithmetic,
}

/// <summary>
/// A value in a script: an argument of <c>invoke</c>, or an expected result of
/// <c>assert_return</c>. Results may be patterns (NaN classes, non-specific references,
/// <c>either</c>); arguments never are.
/// </summary>
public abstract class WastValue
{
    private protected WastValue(TextPosition position) => Position = position;

    /// <summary>Where the value is written.</summary>
    public TextPosition Position { get; }
}

/// <summary><c>(i32.const n)</c>, <c>(i64.const n)</c>, <c>(f32.const z)</c>, <c>(f64.const z)</c>.</summary>
public sealed class WastNumber : WastValue
{
    /// <summary>Creates a number value or float pattern.</summary>
    public WastNumber(TextPosition position, ValType type, ulong bits, NanPattern pattern = NanPattern.None) : base(position)
    {
        Type = type;
        Bits = bits;
        Pattern = pattern;
    }

    /// <summary>i32, i64, f32 or f64.</summary>
    public ValType Type { get; }

    /// <summary>The value's bits (i32 and f32 in the low 32 bits); 0 when <see cref="Pattern"/> is set.</summary>
    public ulong Bits { get; }

    /// <summary>For f32 and f64 results, a NaN class instead of an exact value.</summary>
    public NanPattern Pattern { get; }

    /// <inheritdoc/>
    public override string ToString() => Pattern switch
    {
        NanPattern.Canonical => $"({Type}.const nan:canonical)",
        NanPattern.Arithmetic => $"({Type}.const nan:arithmetic)",
        _ => $"({Type}.const 0x{Bits:x})",
    };
}

/// <summary><c>(v128.const shape lane*)</c>; lanes of float shapes may be NaN patterns in results.</summary>
public sealed class WastVector : WastValue
{
    /// <summary>Creates a vector value from its lanes.</summary>
    public WastVector(TextPosition position, V128Shape shape, ulong[] lanes, NanPattern[] patterns) : base(position)
    {
        Shape = shape;
        Lanes = lanes;
        LanePatterns = patterns;
    }

    /// <summary>How the lanes were written.</summary>
    public V128Shape Shape { get; }

    /// <summary>Each lane's bits, lane 0 first (the lowest addressed bytes).</summary>
    public IReadOnlyList<ulong> Lanes { get; }

    /// <summary>Each lane's NaN pattern (<see cref="NanPattern.None"/> for exact lanes).</summary>
    public IReadOnlyList<NanPattern> LanePatterns { get; }

    /// <summary>Whether every lane is exact, so <see cref="ToBytes"/> is the whole expectation.</summary>
    public bool IsExact => LanePatterns.All(p => p == NanPattern.None);

    /// <summary>The 16 little-endian bytes of the vector (pattern lanes contribute zeros).</summary>
    public byte[] ToBytes() => TextValues.V128Bytes(Shape, [.. Lanes]);

    /// <inheritdoc/>
    public override string ToString() => $"(v128.const {Shape.ToString().ToLowerInvariant()} {string.Join(' ', Lanes.Select((l, i) => LanePatterns[i] == NanPattern.None ? $"0x{l:x}" : "nan:" + LanePatterns[i].ToString().ToLowerInvariant()))})";
}

/// <summary>The form of a reference value or pattern in a script.</summary>
public enum WastRefKind : byte
{
    /// <summary><c>(ref.null ht?)</c>: a null reference; without a heap type (3.0 results), any null.</summary>
    Null,
    /// <summary><c>(ref.extern n?)</c>: a host value wrapped as externref; without n (3.0 results), any non-null extern reference.</summary>
    Extern,
    /// <summary><c>(ref.host n)</c>: a host reference.</summary>
    Host,
    /// <summary><c>(ref.func x?)</c>: a non-null function reference (results only).</summary>
    Func,
    /// <summary><c>(ref.any)</c> (or <c>(ref)</c>): any non-null reference.</summary>
    Any,
    /// <summary><c>(ref.eq)</c>: any non-null reference of type eqref.</summary>
    Eq,
    /// <summary><c>(ref.i31)</c> or <c>(ref.i31 n)</c>: an i31 reference.</summary>
    I31,
    /// <summary><c>(ref.struct)</c>: any struct reference.</summary>
    Struct,
    /// <summary><c>(ref.array)</c>: any array reference.</summary>
    Array,
    /// <summary><c>(ref.exn)</c>: any exception reference.</summary>
    Exn,
}

/// <summary>A reference value (<c>ref.null</c>, <c>ref.extern</c>, <c>ref.host</c>) or reference pattern.</summary>
public sealed class WastReference : WastValue
{
    /// <summary>Creates a reference value or pattern.</summary>
    public WastReference(TextPosition position, WastRefKind kind, string? heapTypeText, HeapType? heapType, ulong? payload, string? funcText)
        : base(position)
    {
        Kind = kind;
        HeapTypeText = heapTypeText;
        HeapType = heapType;
        Payload = payload;
        FuncText = funcText;
    }

    /// <summary>The form.</summary>
    public WastRefKind Kind { get; }

    /// <summary>For <see cref="WastRefKind.Null"/>, the heap type as written (<c>func</c>, <c>extern</c>, a type
    /// index or id), or null when omitted.</summary>
    public string? HeapTypeText { get; }

    /// <summary>The heap type when <see cref="HeapTypeText"/> names an abstract heap type.</summary>
    public HeapType? HeapType { get; }

    /// <summary>The number of <c>ref.extern n</c>, <c>ref.host n</c> or <c>ref.i31 n</c>, when given.</summary>
    public ulong? Payload { get; }

    /// <summary>For <see cref="WastRefKind.Func"/>, the function index or id as written, when given.</summary>
    public string? FuncText { get; }

    /// <inheritdoc/>
    public override string ToString() => $"(ref.{Kind.ToString().ToLowerInvariant()}{(HeapTypeText is null ? "" : " " + HeapTypeText)}{(Payload is null ? "" : " " + Payload)}{(FuncText is null ? "" : " " + FuncText)})";
}

/// <summary><c>(either result+)</c>: the actual result matches one of the alternatives.</summary>
public sealed class WastEither : WastValue
{
    /// <summary>Creates an alternative of patterns.</summary>
    public WastEither(TextPosition position, IReadOnlyList<WastValue> alternatives) : base(position) => Alternatives = alternatives;

    /// <summary>The acceptable results, each a single value pattern.</summary>
    public IReadOnlyList<WastValue> Alternatives { get; }

    /// <inheritdoc/>
    public override string ToString() => $"(either {string.Join(' ', Alternatives)})";
}
