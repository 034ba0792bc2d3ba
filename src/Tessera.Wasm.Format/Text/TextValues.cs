namespace Tessera.Wasm.Text;

/// <summary>
/// Reads literal immediates from atoms with the spec suite's error messages: a token that is not
/// a number is "unknown operator" or "unexpected token" (see <see cref="SCursor.Unexpected(SExpr, string?)"/>),
/// a number of the wrong shape is "unexpected token", and one out of range is "constant out of range".
/// Shared by the script reader and the assembler.
/// </summary>
internal static class TextValues
{
    public static uint I32(SExpr e, string? source) => Parse<uint>(Integer(e, source), NumericLiteral.TryParseI32, source);

    public static ulong I64(SExpr e, string? source) => Parse<ulong>(Integer(e, source), NumericLiteral.TryParseI64, source);

    public static uint F32(SExpr e, string? source) => Parse<uint>(Number(e, source), NumericLiteral.TryParseF32, source);

    public static ulong F64(SExpr e, string? source) => Parse<ulong>(Number(e, source), NumericLiteral.TryParseF64, source);

    /// <summary>An unsigned 32-bit number (index, limit, lane); out of range is "i32 constant out of range".</summary>
    public static uint U32(SExpr e, string? source) => Parse<uint>(Natural(e, source), NumericLiteral.TryParseU32, source, "i32 constant out of range");

    /// <summary>An unsigned 64-bit number; out of range is "i64 constant out of range".</summary>
    public static ulong U64(SExpr e, string? source) => Parse<ulong>(Natural(e, source), NumericLiteral.TryParseU64, source, "i64 constant out of range");

    /// <summary>An atom that is an unsigned integer literal (spec: uN); anything else is unexpected.</summary>
    public static SAtom Natural(SExpr e, string? source) =>
        e is SAtom { Kind: AtomKind.Number } a && NumericLiteral.Classify(a.Text) == NumberShape.Natural ? a : throw SCursor.Unexpected(e, source);

    /// <summary>Reads <c>shape lane*</c> of a <c>v128.const</c> from <paramref name="c"/> up to the end
    /// of its list; with <paramref name="patterns"/>, float lanes may be <c>nan:canonical</c> or
    /// <c>nan:arithmetic</c> (script results).</summary>
    public static (V128Shape Shape, ulong[] Lanes, NanPattern[] Patterns) V128(SCursor c, bool patterns)
    {
        var shapeAtom = c.Next();
        V128Shape shape = shapeAtom is SAtom { Kind: AtomKind.Keyword } k ? k.Text switch
        {
            "i8x16" => V128Shape.I8x16,
            "i16x8" => V128Shape.I16x8,
            "i32x4" => V128Shape.I32x4,
            "i64x2" => V128Shape.I64x2,
            "f32x4" => V128Shape.F32x4,
            "f64x2" => V128Shape.F64x2,
            _ => throw SCursor.Unexpected(shapeAtom, c.Source),
        } : throw SCursor.Unexpected(shapeAtom, c.Source);
        var count = LaneCount(shape);
        var lanes = new ulong[count];
        var nans = new NanPattern[count];
        var atoms = new List<SExpr>();
        while (c.Peek() is SAtom a && IsLaneToken(a)) atoms.Add(c.Next());
        // The count is checked before the values, as the reference interpreter does.
        if (atoms.Count != count) throw new WatSyntaxException("wrong number of lane literals", shapeAtom.Position, $"{shape} needs {count}, got {atoms.Count}", c.Source);
        for (var i = 0; i < count; i++)
        {
            var lane = atoms[i];
            if (patterns && shape is V128Shape.F32x4 or V128Shape.F64x2 && Pattern(lane) is var p and not NanPattern.None)
            {
                nans[i] = p;
                continue;
            }
            lanes[i] = shape switch
            {
                V128Shape.I8x16 => Int(lane, 8, c.Source),
                V128Shape.I16x8 => Int(lane, 16, c.Source),
                V128Shape.I32x4 => I32(lane, c.Source),
                V128Shape.I64x2 => I64(lane, c.Source),
                V128Shape.F32x4 => F32(lane, c.Source),
                _ => F64(lane, c.Source),
            };
        }
        return (shape, lanes, nans);
    }

    /// <summary>Whether <paramref name="a"/> can be a lane literal (possibly a malformed one). In flat
    /// code the next instruction's keyword ends the lanes.</summary>
    private static bool IsLaneToken(SAtom a) => a.Kind switch
    {
        AtomKind.Number or AtomKind.Reserved => true,
        AtomKind.Keyword => Pattern(a) != NanPattern.None || !Keywords.IsKnown(a.Text),
        _ => false,
    };

    public static int LaneCount(V128Shape shape) => shape switch
    {
        V128Shape.I8x16 => 16,
        V128Shape.I16x8 => 8,
        V128Shape.I32x4 or V128Shape.F32x4 => 4,
        _ => 2,
    };

    /// <summary>The 16 bytes of a vector given by lanes of <paramref name="shape"/>.</summary>
    public static byte[] V128Bytes(V128Shape shape, ulong[] lanes)
    {
        var bytes = new byte[16];
        var width = 16 / LaneCount(shape);
        for (var i = 0; i < lanes.Length; i++)
        {
            for (var b = 0; b < width; b++) bytes[i * width + b] = (byte)(lanes[i] >> (8 * b));
        }
        return bytes;
    }

    public static NanPattern Pattern(SExpr e) => e is SAtom { Kind: AtomKind.Keyword } a ? a.Text switch
    {
        "nan:canonical" => NanPattern.Canonical,
        "nan:arithmetic" => NanPattern.Arithmetic,
        _ => NanPattern.None,
    } : NanPattern.None;

    private static ulong Int(SExpr e, int width, string? source)
    {
        var atom = Integer(e, source);
        return NumericLiteral.TryParseInt(atom.Text, width, out var bits) ? bits : throw OutOfRange(atom, source, ConstantOutOfRange);
    }

    private static SAtom Integer(SExpr e, string? source) =>
        e is SAtom { Kind: AtomKind.Number } a && NumericLiteral.Classify(a.Text) is NumberShape.Natural or NumberShape.SignedInteger ? a : throw SCursor.Unexpected(e, source);

    private static SAtom Number(SExpr e, string? source) =>
        e is SAtom { Kind: AtomKind.Number } a ? a : throw SCursor.Unexpected(e, source);

    private delegate bool TryParse<T>(string text, out T value);

    /// <summary>Parses a literal whose shape is already checked; a value that does not fit is <paramref name="rule"/>.</summary>
    private static T Parse<T>(SAtom atom, TryParse<T> parse, string? source, string rule = ConstantOutOfRange) =>
        parse(atom.Text, out var value) ? value : throw OutOfRange(atom, source, rule);

    private const string ConstantOutOfRange = "constant out of range";

    private static WatSyntaxException OutOfRange(SAtom atom, string? source, string rule) => new(rule, atom.Position, atom.Text, source);
}
