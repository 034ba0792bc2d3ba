using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// A global variable. Its value is kept as bits in <see cref="Bits"/>, which generated code reads and
/// writes directly (i32 zero-extended, f32 as its 32 bits).
/// </summary>
public sealed class Global
{
    public ulong Bits;
    /// <summary>The value of a reference-typed global.</summary>
    public object? Ref;

    public Global(GlobalType type, Value initial)
    {
        Type = type;
        Bits = initial.Bits;
    }

    public GlobalType Type { get; }

    public Value Value
    {
        get => new(Type.Type, Bits) { Ref = Ref };
        set
        {
            if (!Type.Mutable) throw new InvalidOperationException("global is immutable");
            Bits = value.Bits;
            Ref = value.Ref;
        }
    }
}
