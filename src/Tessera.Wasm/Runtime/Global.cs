using System.Runtime.Intrinsics;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// A global variable. Its value is kept as bits in <see cref="Bits"/>, which generated code reads and
/// writes directly (i32 zero-extended, f32 as its 32 bits); a v128 global's value is in
/// <see cref="Vector"/> instead, in the representation generated code uses for v128.
/// </summary>
public sealed class Global
{
    public ulong Bits;
    /// <summary>The value of a reference-typed global.</summary>
    public object? Ref;
    /// <summary>The value of a v128 global.</summary>
    public Vector128<byte> Vector;

    public Global(GlobalType type, Value initial)
    {
        Type = type;
        Set(initial);
    }

    public GlobalType Type { get; }

    public Value Value
    {
        get => Type.Type.Kind == ValTypeKind.V128 ? Value.V128(Vector) : new(Type.Type, Bits) { Ref = Ref };
        set
        {
            if (!Type.Mutable) throw new InvalidOperationException("global is immutable");
            Set(value);
        }
    }

    private void Set(Value value)
    {
        if (Type.Type.Kind == ValTypeKind.V128) Vector = value.AsV128();
        else Bits = value.Bits;
        Ref = value.Ref;
    }
}
