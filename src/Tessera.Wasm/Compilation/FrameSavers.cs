using System.Reflection;
using System.Reflection.Emit;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// The methods that push a suspending frame on the context's slot stacks, one per frame shape
/// (the kinds of the values saved), shared by every function of a module and kept in a type of
/// their own (<see cref="TypeName"/>), so their names never meet a function's.
/// </summary>
/// <remarks>
/// Why a call and not inline stores: saving reserves slots first, and reserving may grow the slot
/// array, a call. Inline, every value the frame saves is live across that call, and the JIT's
/// register allocator answers by spilling such values where they are defined, which is inside
/// the hot loop the yield point guards: a store per iteration for a path that runs once per time
/// slice (sieve's loop counter, docs/benchmarks.md, Tasks). Passed as arguments of a call after
/// which the frame only returns, no value outlives the call. The helpers are JIT-compiled the
/// first time a frame of their shape suspends, not with the function.
/// </remarks>
internal sealed class FrameSavers
{
    /// <summary>The name of the type that holds the helpers.</summary>
    internal const string TypeName = "WasmModule$Savers";

    private readonly ModuleBuilder _module;
    /// <summary>The types holding the helpers, a new one every <see cref="ModuleCompiler.MethodsPerType"/>
    /// helpers (a hostile module can have a frame shape per function); the first is defined at the
    /// first helper: a module that never suspends has no such type.</summary>
    private readonly List<TypeBuilder> _types = [];
    private readonly Dictionary<string, MethodBuilder> _byShape = new(StringComparer.Ordinal);

    internal FrameSavers(ModuleBuilder module) => _module = module;

    /// <summary>The helper that saves values of these kinds, in order:
    /// <c>void (InstanceContext context, int point, values...)</c>. It pushes the values, then the
    /// resume point on top (what <see cref="ResumeOps.PopResumePoint"/> pops first).</summary>
    internal MethodInfo For(IReadOnlyList<ValTypeKind> kinds)
    {
        var key = new char[kinds.Count];
        for (int i = 0; i < key.Length; i++) key[i] = (char)kinds[i];
        string shape = new(key);
        if (_byShape.TryGetValue(shape, out var method)) return method;
        var parameters = new Type[2 + kinds.Count];
        parameters[0] = typeof(Runtime.InstanceContext);
        parameters[1] = typeof(int);
        for (int i = 0; i < kinds.Count; i++) parameters[2 + i] = FunctionCompiler.ClrType(kinds[i]);
        if (_byShape.Count % ModuleCompiler.MethodsPerType == 0)
            _types.Add(_module.DefineType(_types.Count == 0 ? TypeName : TypeName + _types.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class));
        method = _types[^1].DefineMethod("save" + _byShape.Count, MethodAttributes.Public | MethodAttributes.Static, typeof(void), parameters);
        Emit(method.GetILGenerator(), kinds);
        _byShape.Add(shape, method);
        return method;
    }

    /// <summary>Creates the types: after the last <see cref="For"/>, before the module's code runs
    /// or is saved.</summary>
    internal Type[] Create() => [.. _types.Select(t => t.CreateType())];

    private static void Emit(ILGenerator il, IReadOnlyList<ValTypeKind> kinds)
    {
        int slots = 1, refs = 0;
        foreach (var kind in kinds)
        {
            if (kind == ValTypeKind.Ref) refs++;
            else slots += kind == ValTypeKind.V128 ? 2 : 1;
        }
        var slotBase = il.DeclareLocal(typeof(int));
        var refBase = il.DeclareLocal(typeof(int));
        var slotArray = il.DeclareLocal(typeof(long[]));
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldc_I4, slots);
        il.Emit(OpCodes.Call, Members.Resume(nameof(ResumeOps.ReserveSlots)));
        il.Emit(OpCodes.Stloc, slotBase);
        if (refs > 0)
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4, refs);
            il.Emit(OpCodes.Call, Members.Resume(nameof(ResumeOps.ReserveRefs)));
            il.Emit(OpCodes.Stloc, refBase);
        }
        // Reserving may have replaced the array.
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, Members.Slots);
        il.Emit(OpCodes.Stloc, slotArray);

        void Index(LocalBuilder @base, int offset)
        {
            il.Emit(OpCodes.Ldloc, @base);
            if (offset == 0) return;
            il.Emit(OpCodes.Ldc_I4, offset);
            il.Emit(OpCodes.Add);
        }
        int slot = 0, reference = 0;
        for (int i = 0; i < kinds.Count; i++)
        {
            var kind = kinds[i];
            int argument = 2 + i;
            if (kind == ValTypeKind.Ref)
            {
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldfld, Members.RefSlots);
                Index(refBase, reference++);
                il.Emit(OpCodes.Ldarg, argument);
                il.Emit(OpCodes.Stelem_Ref);
                continue;
            }
            if (kind == ValTypeKind.V128)
            {
                foreach (var half in new[] { nameof(ResumeOps.Low), nameof(ResumeOps.High) })
                {
                    il.Emit(OpCodes.Ldloc, slotArray);
                    Index(slotBase, slot++);
                    il.Emit(OpCodes.Ldarg, argument);
                    il.Emit(OpCodes.Call, Members.Resume(half));
                    il.Emit(OpCodes.Stelem_I8);
                }
                continue;
            }
            il.Emit(OpCodes.Ldloc, slotArray);
            Index(slotBase, slot++);
            il.Emit(OpCodes.Ldarg, argument);
            // Restoring reads the low 32 bits of an i32's slot back (FunctionCompiler.EmitFromBits).
            FunctionCompiler.EmitToBits(il, kind);
            il.Emit(OpCodes.Stelem_I8);
        }
        il.Emit(OpCodes.Ldloc, slotArray);
        Index(slotBase, slot);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Conv_I8);
        il.Emit(OpCodes.Stelem_I8);
        il.Emit(OpCodes.Ret);
    }
}
