using Tessera.Wasm.Model;

namespace Tessera.Wasm.Text;

/// <summary>Where a type use appears: it decides whether parameters may have ids.</summary>
internal enum TypeUseContext : byte
{
    /// <summary>A function definition: parameter ids name locals.</summary>
    Function,
    /// <summary>An imported function or a tag: parameter ids are allowed and only recorded as names.</summary>
    Import,
    /// <summary>A block type or <c>call_indirect</c>: parameters must not have ids.</summary>
    Instruction,
}

internal sealed partial class ModuleParser
{
    /// <summary><c>(type $id? (func (param ...)* (result ...)*))</c>.</summary>
    private void TypeField(SList field)
    {
        var c = new SCursor(field, _source, 1);
        c.TryId();
        var def = c.ExpectList();
        c.ExpectEnd();
        switch (def.Head)
        {
            case "func":
                {
                    var dc = new SCursor(def, _source, 1);
                    var parameters = new List<ValType>();
                    var results = new List<ValType>();
                    Params(dc, parameters, new List<string?>()); // ids allowed, but they name nothing
                    Results(dc, results);
                    dc.ExpectEnd();
                    _module.Types.Add(new FuncType([.. parameters], [.. results]));
                    return;
                }
            case "sub" or "struct" or "array" or "descriptor" or "describes":
                throw Unsupported("gc", def, $"{def.Head} type");
            default:
                throw SCursor.Unexpected(def, _source);
        }
    }

    /// <summary>Reads <c>(param ...)*</c>; ids go to <paramref name="ids"/> (null when ids are not allowed).</summary>
    private void Params(SCursor c, List<ValType> types, List<string?>? ids)
    {
        while (c.TryList("param", out var p))
        {
            var pc = new SCursor(p, _source, 1);
            if (pc.PeekAtom(AtomKind.Id))
            {
                if (ids is null) throw pc.Unexpected();
                ids.Add(pc.TryId());
                types.Add(ValType(pc.Next()));
                pc.ExpectEnd();
                continue;
            }
            while (!pc.AtEnd)
            {
                types.Add(ValType(pc.Next()));
                ids?.Add(null);
            }
        }
    }

    private void Results(SCursor c, List<ValType> types)
    {
        while (c.TryList("result", out var r))
        {
            var rc = new SCursor(r, _source, 1);
            while (!rc.AtEnd) types.Add(ValType(rc.Next()));
        }
    }

    /// <summary>A parsed type use before resolution.</summary>
    internal readonly record struct TypeUseSyntax(SExpr? TypeRef, List<ValType> Params, List<string?> ParamIds, List<ValType> Results, bool HasInline);

    /// <summary>Reads <c>(type x)? (param ...)* (result ...)*</c> without resolving it.</summary>
    internal TypeUseSyntax ReadTypeUse(SCursor c, TypeUseContext context)
    {
        SExpr? typeRef = null;
        if (c.PeekList("exact")) throw Unsupported("custom-descriptors", c.Peek()!, "exact type use");
        if (c.TryList("type", out var t))
        {
            var tc = new SCursor(t, _source, 1);
            typeRef = tc.Next();
            tc.ExpectEnd();
        }
        var parameters = new List<ValType>();
        var ids = new List<string?>();
        var before = c.Index;
        Params(c, parameters, context == TypeUseContext.Instruction ? null : ids);
        var results = new List<ValType>();
        Results(c, results);
        if (c.PeekList("param")) throw c.Unexpected(); // parameters must come before results
        return new TypeUseSyntax(typeRef, parameters, ids, results, c.Index != before);
    }

    /// <summary>Reads and resolves a type use (spec 6.6.3): an explicit index must agree with inline
    /// parameters and results ("inline function type"); without one, the first identical type is
    /// used, or a new one is appended.</summary>
    internal uint TypeUse(SCursor c, TypeUseContext context, out List<string?> paramIds)
    {
        var use = ReadTypeUse(c, context);
        paramIds = use.ParamIds;
        return ResolveTypeUse(use, c);
    }

    internal uint ResolveTypeUse(TypeUseSyntax use, SCursor c)
    {
        if (use.TypeRef is { } typeRef)
        {
            var index = _types.Resolve(typeRef, _source);
            if (use.HasInline)
            {
                var inline = new FuncType([.. use.Params], [.. use.Results]);
                var declared = TypeAt(new TypeIndex(index)) ?? throw new WatSyntaxException("unknown type", typeRef.Position, null, _source);
                if (!declared.Equals(inline)) throw new WatSyntaxException("inline function type", typeRef.Position, $"type {index} is {declared}, inline {inline}", _source);
            }
            else if (TypeAt(new TypeIndex(index)) is { } declared)
            {
                // Parameters named by nothing: one unnamed local per parameter of the type.
                for (var i = 0; i < declared.Parameters.Length; i++) use.ParamIds.Add(null);
            }
            return index;
        }
        return FindOrAddType(new FuncType([.. use.Params], [.. use.Results]));
    }

    /// <summary>The first type equal to <paramref name="type"/>, appended if there is none.</summary>
    internal uint FindOrAddType(FuncType type)
    {
        var i = _module.Types.IndexOf(type);
        if (i >= 0) return (uint)i;
        _module.Types.Add(type);
        return (uint)(_module.Types.Count - 1);
    }

    /// <summary>The function type at <paramref name="index"/>, or null when there is none.</summary>
    internal FuncType? TypeAt(TypeIndex index) => index.Value < (uint)_module.Types.Count ? _module.Types[(int)index.Value] : null;

    internal static bool IsRefTypeStart(SExpr e) => e switch
    {
        SList l => l.Head == "ref",
        SAtom { Kind: AtomKind.Keyword } a => a.Text.EndsWith("ref", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>A value type: a number or vector type keyword, a reference type shorthand, or <c>(ref null? ht)</c>.</summary>
    internal ValType ValType(SExpr e)
    {
        if (e is SAtom { Kind: AtomKind.Keyword } a)
        {
            switch (a.Text)
            {
                case "i32": return Model.ValType.I32;
                case "i64": return Model.ValType.I64;
                case "f32": return Model.ValType.F32;
                case "f64": return Model.ValType.F64;
                case "v128": return Model.ValType.V128;
                case "funcref": return Model.ValType.FuncRef;
                case "externref": return Model.ValType.ExternRef;
            }
            var shorthand = a.Text switch
            {
                "anyref" => AbstractHeapType.Any,
                "eqref" => AbstractHeapType.Eq,
                "i31ref" => AbstractHeapType.I31,
                "structref" => AbstractHeapType.Struct,
                "arrayref" => AbstractHeapType.Array,
                "nullref" => AbstractHeapType.None,
                "nullfuncref" => AbstractHeapType.NoFunc,
                "nullexternref" => AbstractHeapType.NoExtern,
                "exnref" => AbstractHeapType.Exn,
                "nullexnref" => AbstractHeapType.NoExn,
                _ => (AbstractHeapType)0,
            };
            if (shorthand != 0) return Model.ValType.Ref(Model.HeapType.Abstract(shorthand), nullable: true);
        }
        if (e is SList { Head: "ref" } r)
        {
            var rc = new SCursor(r, _source, 1);
            var nullable = rc.TryKeyword("null");
            var heap = HeapType(rc.Next());
            rc.ExpectEnd();
            return Model.ValType.Ref(heap, nullable);
        }
        throw SCursor.Unexpected(e, _source);
    }

    /// <summary>A heap type: an abstract type keyword or a type index.</summary>
    internal HeapType HeapType(SExpr e)
    {
        if (e is SAtom { Kind: AtomKind.Keyword } a)
        {
            AbstractHeapType kind = a.Text switch
            {
                "func" => AbstractHeapType.Func,
                "extern" => AbstractHeapType.Extern,
                "any" => AbstractHeapType.Any,
                "eq" => AbstractHeapType.Eq,
                "i31" => AbstractHeapType.I31,
                "struct" => AbstractHeapType.Struct,
                "array" => AbstractHeapType.Array,
                "exn" => AbstractHeapType.Exn,
                "none" => AbstractHeapType.None,
                "nofunc" => AbstractHeapType.NoFunc,
                "noextern" => AbstractHeapType.NoExtern,
                "noexn" => AbstractHeapType.NoExn,
                _ => throw SCursor.Unexpected(e, _source),
            };
            return Model.HeapType.Abstract(kind);
        }
        if (e is SAtom { Kind: AtomKind.Id or AtomKind.Number }) return Model.HeapType.Concrete(new TypeIndex(_types.Resolve(e, _source)));
        throw SCursor.Unexpected(e, _source);
    }

    /// <summary><c>t</c> or <c>(mut t)</c>.</summary>
    internal GlobalType GlobalType(SExpr e)
    {
        if (e is SList { Head: "mut" } m)
        {
            var mc = new SCursor(m, _source, 1);
            var t = ValType(mc.Next());
            mc.ExpectEnd();
            return new GlobalType(t, true);
        }
        return new GlobalType(ValType(e), false);
    }

    /// <summary><c>i64? min max? reftype</c> (spec: tabletype, with 3.0's address type).</summary>
    private TableType TableType(SCursor c)
    {
        var is64 = c.TryKeyword("i64");
        var limits = Limits(c, is64);
        return new TableType(ValType(c.Next()), limits);
    }

    /// <summary><c>i64? min max? shared?</c> (spec: memtype, with 3.0's address type and threads' shared).</summary>
    private MemoryType MemoryType(SCursor c)
    {
        var is64 = c.TryKeyword("i64");
        var limits = Limits(c, is64);
        if (c.TryKeyword("shared")) limits = limits with { Shared = true };
        if (c.PeekList("pagesize")) throw Unsupported("custom-page-sizes", c.Peek()!, "pagesize");
        return new MemoryType(limits);
    }

    private Limits Limits(SCursor c, bool is64)
    {
        var min = Bound(c.Next(), is64);
        ulong? max = c.Peek() is SAtom { Kind: AtomKind.Number } ? Bound(c.Next(), is64) : null;
        return new Limits(min, max, is64);
    }

    private ulong Bound(SExpr e, bool is64) =>
        is64 || Version >= WatVersion.Wasm3 ? TextValues.U64(e, _source) : TextValues.U32(e, _source);
}
