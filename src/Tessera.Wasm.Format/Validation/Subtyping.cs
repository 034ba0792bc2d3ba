using Tessera.Wasm.Model;

namespace Tessera.Wasm.Validation;

/// <summary>
/// Value type matching (spec 3.3.x "Matching"). For WebAssembly 2.0 types this is equality; the
/// reference rules (non-null below nullable, a concrete function type below <c>func</c>, equal
/// function types by structure) are the function-references rules, so typed references need no
/// change here. The operand stack's Unknown (<c>default(ValType)</c>, kind 0) matches everything.
/// </summary>
internal static class Subtyping
{
    public static bool Matches(ModuleContext ctx, ValType actual, ValType expected)
    {
        if (actual.Kind != expected.Kind) return actual.Kind == 0 || expected.Kind == 0;
        if (actual.Kind != ValTypeKind.Ref) return true;
        if (actual.IsNullable && !expected.IsNullable) return false;
        return HeapMatches(ctx, actual.Heap, expected.Heap);
    }

    /// <summary>
    /// Type equivalence of two defined function types. Without gc every type is its own recursion
    /// group, final, and refers only to itself or to earlier types (the validator checks that), so
    /// iso-recursive equivalence is structural equality in which a type's reference to itself
    /// matches the other type's reference to itself; the recursion only visits smaller indices.
    /// </summary>
    private static bool Equivalent(ModuleContext ctx, TypeIndex a, TypeIndex b)
    {
        if (a == b) return true;
        var ta = ctx.Module.Type(a);
        var tb = ctx.Module.Type(b);
        if (ta.Parameters.Length != tb.Parameters.Length || ta.Results.Length != tb.Results.Length) return false;
        for (int i = 0; i < ta.Parameters.Length; i++)
        {
            if (!EquivalentValTypes(ctx, ta.Parameters[i], tb.Parameters[i], a, b)) return false;
        }
        for (int i = 0; i < ta.Results.Length; i++)
        {
            if (!EquivalentValTypes(ctx, ta.Results[i], tb.Results[i], a, b)) return false;
        }
        return true;
    }

    private static bool EquivalentValTypes(ModuleContext ctx, ValType x, ValType y, TypeIndex selfX, TypeIndex selfY)
    {
        if (x.Kind != y.Kind || x.IsNullable != y.IsNullable) return false;
        if (x.Kind != ValTypeKind.Ref) return true;
        HeapType hx = x.Heap, hy = y.Heap;
        if (!hx.IsConcrete || !hy.IsConcrete) return hx == hy;
        TypeIndex ix = hx.TypeIndex, iy = hy.TypeIndex;
        bool xSelf = ix == selfX, ySelf = iy == selfY;
        if (xSelf || ySelf) return xSelf && ySelf;
        return Equivalent(ctx, ix, iy);
    }

    private static bool HeapMatches(ModuleContext ctx, HeapType actual, HeapType expected)
    {
        if (actual == expected) return true;
        if (actual.IsConcrete)
        {
            if (expected.IsConcrete) return Equivalent(ctx, actual.TypeIndex, expected.TypeIndex);
            return expected == HeapType.Func;
        }
        if (actual == HeapType.Abstract(AbstractHeapType.NoFunc)) return expected == HeapType.Func || expected.IsConcrete;
        if (actual == HeapType.Abstract(AbstractHeapType.NoExtern)) return expected == HeapType.Extern;
        if (actual == HeapType.Abstract(AbstractHeapType.NoExn)) return expected == HeapType.Abstract(AbstractHeapType.Exn);
        return false;
    }
}
