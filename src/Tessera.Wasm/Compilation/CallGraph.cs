using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// Which functions of a module can reach a suspending import, and so must be compiled resumable
/// (DESIGN: "only functions that can reach a suspending import pay for it").
/// </summary>
/// <remarks>
/// A defined function may suspend when it calls, directly or with <c>return_call</c>, a suspending
/// import or a function that may suspend, or when it has a <c>call_indirect</c> whose type is the
/// type of a function that may suspend: a table can hold any function of the right type, so an
/// indirect call is judged by its signature alone. The sets grow to a fixed point; each round is one
/// pass over the call sites collected from the bodies once.
/// </remarks>
internal sealed class CallGraph
{
    private readonly ModuleDefinition _module;
    /// <summary>Per function index (imports first): may a call to it suspend?</summary>
    private readonly bool[] _suspends;
    /// <summary>Per type index: may a <c>call_indirect</c> of this type suspend?</summary>
    private readonly bool[] _indirectSuspends;
    /// <summary>Per function index: can it be called other than by a direct call of this module?</summary>
    private readonly bool[] _escapes;

    private CallGraph(ModuleDefinition module, bool[] suspends, bool[] indirectSuspends)
    {
        _module = module;
        _suspends = suspends;
        _indirectSuspends = indirectSuspends;
        _escapes = Escaping(module);
    }

    /// <summary>The call graph of <paramref name="module"/> (valid) given which imports suspend, or
    /// null when it imports none of them: such a module is compiled with no resumable code at all.</summary>
    /// <remarks>With <paramref name="preemptible"/> (loop heads may yield, <c>EngineOptions.Preemptible</c>)
    /// every function with a loop may suspend too; <paramref name="everywhere"/> marks everything
    /// (<c>EngineOptions.ResumableEverywhere</c>).</remarks>
    public static CallGraph? Build(ModuleDefinition module, IReadOnlySet<(string Module, string Name)>? suspendingImports, bool everywhere = false, bool preemptible = false)
    {
        if (everywhere) return new CallGraph(module, Enumerable.Repeat(true, module.TotalFunctionCount).ToArray(), Enumerable.Repeat(true, module.Types.Count).ToArray());
        suspendingImports ??= new HashSet<(string, string)>();
        var suspends = new bool[module.TotalFunctionCount];
        int f = 0;
        bool any = false;
        foreach (var import in module.Imports)
        {
            if (import.Kind != ExternKind.Func) continue;
            if (suspendingImports.Contains((import.Module, import.Name))) suspends[f] = any = true;
            f++;
        }
        if (!any && !preemptible) return null;

        var direct = new List<FuncIndex>[module.Functions.Count];
        var indirect = new List<TypeIndex>[module.Functions.Count];
        for (uint i = 0; i < direct.Length; i++)
        {
            (direct[i], indirect[i], bool loops) = CallSites(module.Body(new DefinedFuncIndex(i)));
            if (preemptible && loops) suspends[module.ToIndex(new DefinedFuncIndex(i)).Value] = true;
        }

        var indirectSuspends = new bool[module.Types.Count];
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int t = 0; t < indirectSuspends.Length; t++)
            {
                if (indirectSuspends[t]) continue;
                var type = module.Type(new TypeIndex((uint)t));
                for (uint g = 0; g < suspends.Length && !indirectSuspends[t]; g++)
                {
                    if (suspends[g] && module.FunctionType(new FuncIndex(g)).Equals(type)) indirectSuspends[t] = changed = true;
                }
            }
            for (uint i = 0; i < direct.Length; i++)
            {
                uint function = module.ToIndex(new DefinedFuncIndex(i)).Value;
                if (suspends[function]) continue;
                if (direct[i].Any(callee => suspends[callee.Value]) || indirect[i].Any(type => indirectSuspends[type.Value])) suspends[function] = changed = true;
            }
        }
        return new CallGraph(module, suspends, indirectSuspends);
    }

    /// <summary>May a call to function <paramref name="functionIndex"/> (imports first) suspend?</summary>
    public bool MaySuspend(FuncIndex functionIndex) => _suspends[functionIndex.Value];

    /// <summary>May a <c>call_indirect</c> of type <paramref name="typeIndex"/> suspend?</summary>
    public bool IndirectMaySuspend(TypeIndex typeIndex) => _indirectSuspends[typeIndex.Value];

    /// <summary>
    /// Can function <paramref name="functionIndex"/> be called other than by a direct <c>call</c> in
    /// this module: exported, the start function, or in an element segment (a table, or a
    /// <c>ref.func</c> declaration)? Only such a function can be entered through its
    /// <see cref="Runtime.Func"/> while a suspended call rewinds, so only its fast version needs the
    /// rewind check at entry; a direct call rewinds straight into the callee's resume version.
    /// </summary>
    public bool Escapes(FuncIndex functionIndex) => _escapes[functionIndex.Value];

    private static bool[] Escaping(ModuleDefinition module)
    {
        var escapes = new bool[module.TotalFunctionCount];
        // Element expressions and reference-typed globals may hold ref.func of any function: then
        // every function is taken to escape rather than each expression being read.
        bool all = false;
        foreach (var export in module.Exports)
        {
            if (export is FuncExport function) escapes[function.Index.Value] = true;
        }
        if (module.Start is { } start) escapes[start.Value] = true;
        foreach (var segment in module.Elements)
        {
            if (segment.Functions is { } functions)
            {
                foreach (var f in functions) escapes[f.Value] = true;
            }
            else
            {
                all = true;
            }
        }
        foreach (var global in module.Globals) all |= global.Type.Type.IsRef;
        if (all) Array.Fill(escapes, true);
        return escapes;
    }

    /// <summary>Is defined function <paramref name="function"/> compiled resumable?</summary>
    public bool IsResumable(DefinedFuncIndex function) => _suspends[_module.ToIndex(function).Value];

    /// <summary>The callees of direct calls and the types of indirect calls in one body, and
    /// whether it has a loop.</summary>
    private static (List<FuncIndex> Direct, List<TypeIndex> Indirect, bool Loops) CallSites(FunctionBody body)
    {
        var direct = new List<FuncIndex>();
        var indirect = new List<TypeIndex>();
        bool loops = false;
        var reader = new WasmReader(body.Code.Span, body.CodeOffset);
        while (!reader.AtEnd)
        {
            var op = reader.ReadOpcode();
            switch (op)
            {
                case Opcode.Call or Opcode.ReturnCall:
                    direct.Add(reader.ReadFuncIndex());
                    break;
                case Opcode.CallIndirect or Opcode.ReturnCallIndirect:
                    indirect.Add(reader.ReadTypeIndex());
                    reader.ReadTableIndex();
                    break;
                case Opcode.Block or Opcode.Loop or Opcode.If:
                    loops |= op == Opcode.Loop;
                    reader.ReadBlockType();
                    break;
                default:
                    var info = OpcodeTable.Lookup(op) ?? throw new WasmFormatException("illegal opcode", reader.Offset);
                    reader.SkipImmediates(info, WasmFeatures.Wasm3);
                    break;
            }
        }
        return (direct, indirect, loops);
    }
}
