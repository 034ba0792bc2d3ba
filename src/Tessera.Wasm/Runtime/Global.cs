using System.Runtime.Intrinsics;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// A global variable. Its value is kept as bits in <see cref="Bits"/>, which generated code reads and
/// writes directly (i32 zero-extended, f32 as its 32 bits); a v128 global's value is in
/// <see cref="Vector"/> instead, in the representation generated code uses for v128.
/// </summary>
public sealed class Global : Extern
{
    internal ulong Bits;
    /// <summary>The value of a reference-typed global.</summary>
    internal object? Ref;
    /// <summary>The value of a v128 global.</summary>
    internal Vector128<byte> Vector;

    private readonly Store _store;

    /// <summary>A global of <paramref name="type"/> holding <paramref name="initial"/>, owned by
    /// <paramref name="store"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="initial"/> is not of the global's type,
    /// or is a function of another store.</exception>
    public Global(Store store, GlobalType type, Value initial)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        Type = type;
        Check(initial);
        Set(initial);
    }

    /// <summary>A global an instance defines, its initializer's value already of its type.</summary>
    internal Global(Store store, GlobalType type, Value initial, object? reference)
    {
        _store = store;
        Type = type;
        Set(initial);
        Ref = reference;
    }

    public GlobalType Type { get; }

    public override ExternKind Kind => ExternKind.Global;

    public override Store Owner => _store;

    public Value Value
    {
        get => Type.Type.Kind == ValTypeKind.V128 ? Value.V128(Vector) : new(Type.Type, Bits) { Ref = Ref };
        set
        {
            if (!Type.Mutable) throw new InvalidOperationException("global is immutable");
            Check(value);
            Set(value);
        }
    }

    /// <summary>A value the embedder gives must be of the global's type, and a function in it of
    /// the global's store (generated code reading it would run it under another store's limits).</summary>
    private void Check(Value value)
    {
        if (value.Type != Type.Type) throw new ArgumentException($"a {value.Type} value for a global of type {Type.Type}", nameof(value));
        if (value.Ref is Func f && !_store.MayUse(f)) throw new ArgumentException("a function of another store cannot be stored in this store's global", nameof(value));
    }

    private void Set(Value value)
    {
        if (Type.Type.Kind == ValTypeKind.V128) Vector = value.AsV128();
        else Bits = value.Bits;
        Ref = value.Ref;
    }
}
