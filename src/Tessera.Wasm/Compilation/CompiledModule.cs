using System.Reflection;
using System.Runtime.CompilerServices;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// The code of a module: one CLR type in a collectible assembly with one static method per defined
/// function, <c>(InstanceContext, params..., ref results[1..]) -&gt; results[0]</c>. Shared by every
/// instance. The assembly is either emitted in memory or loaded from a compiled image
/// (<see cref="CodeImage"/>); both define the methods in function order.
/// </summary>
internal sealed class CompiledModule
{
    internal CompiledModule(ModuleDefinition definition, MethodInfo[] methods, ulong[] constants, object? lifetime = null)
    {
        Definition = definition;
        Methods = methods;
        Constants = constants;
        Types = definition.Types.ToArray();
        TypeIds = new int[Types.Length];
        for (int i = 0; i < Types.Length; i++) TypeIds[i] = FuncTypeIds.Of(Types[i]);
        Code = new nint[methods.Length];
        for (int i = 0; i < methods.Length; i++) Code[i] = methods[i].MethodHandle.GetFunctionPointer();
        FirstMethodToken = methods.Length > 0 ? methods[0].MetadataToken : 0;
        Lifetime = lifetime;
        if (methods.Length > 0) s_byModule.AddOrUpdate(methods[0].Module, new WeakReference<CompiledModule>(this));
    }

    /// <summary>Weak both ways: a loaded image's module stays alive until its load context is told
    /// to unload, which happens when this object is collected (<see cref="CodeImage"/>), so a strong
    /// value here would keep it forever.</summary>
    private static readonly ConditionalWeakTable<System.Reflection.Module, WeakReference<CompiledModule>> s_byModule = new();

    /// <summary>What must live exactly as long as this code: for a loaded image, the object whose
    /// finalizer unloads its load context.</summary>
    internal object? Lifetime { get; }

    /// <summary>Methods are defined in function order, so their metadata tokens are consecutive.</summary>
    private int FirstMethodToken { get; }

    /// <summary>The WebAssembly function a method on a .NET stack trace is, if it is generated code.</summary>
    internal static WasmFrame? FrameOf(MethodBase? method)
    {
        if (method is null || !s_byModule.TryGetValue(method.Module, out var weak) || !weak.TryGetTarget(out var compiled)) return null;
        int defined = method.MetadataToken - compiled.FirstMethodToken;
        if ((uint)defined >= (uint)compiled.Methods.Count) return null;
        var def = compiled.Definition;
        var index = def.ToIndex(new DefinedFuncIndex((uint)defined));
        return new WasmFrame(def.Names?.ModuleName, (int)index.Value, def.FunctionName(index));
    }

    public ModuleDefinition Definition { get; }

    /// <summary>The method of each defined function, in function-section order.</summary>
    public IReadOnlyList<MethodInfo> Methods { get; }

    /// <summary>The module's types by index, and their canonical ids: computed once, shared by every
    /// instance's context (read only), so instantiation does not rebuild them.</summary>
    internal FuncType[] Types { get; }

    /// <inheritdoc cref="Types"/>
    internal int[] TypeIds { get; }

    /// <summary>The constant table every instance's context shares (read only).</summary>
    internal ulong[] Constants { get; }

    /// <summary>The entry point of each defined function, for <see cref="Func"/>s of its instances.</summary>
    internal nint[] Code { get; }
}
