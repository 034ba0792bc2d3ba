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

    private static bool HeapMatches(ModuleContext ctx, HeapType actual, HeapType expected)
    {
        if (actual == expected) return true;
        if (actual.IsConcrete)
        {
            if (expected.IsConcrete) return ctx.Types[(int)actual.TypeIndex.Value].Equals(ctx.Types[(int)expected.TypeIndex.Value]);
            return expected == HeapType.Func;
        }
        if (actual == HeapType.Abstract(AbstractHeapType.NoFunc)) return expected == HeapType.Func || expected.IsConcrete;
        if (actual == HeapType.Abstract(AbstractHeapType.NoExtern)) return expected == HeapType.Extern;
        if (actual == HeapType.Abstract(AbstractHeapType.NoExn)) return expected == HeapType.Abstract(AbstractHeapType.Exn);
        return false;
    }
}
