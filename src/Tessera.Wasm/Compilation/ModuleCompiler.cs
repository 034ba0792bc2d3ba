using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// The code of a module: one CLR type in a collectible assembly with one static method per defined
/// function, <c>(InstanceContext, params..., ref results[1..]) -&gt; results[0]</c>. Shared by every instance.
/// </summary>
public sealed class CompiledModule
{
    internal CompiledModule(ModuleDefinition definition, MethodInfo[] methods)
    {
        Definition = definition;
        Methods = methods;
        Code = methods.Select(m => m.MethodHandle.GetFunctionPointer()).ToArray();
        Types = definition.Types.ToArray();
        TypeIds = Types.Select(FuncTypeIds.Of).ToArray();
        FirstMethodToken = methods.Length > 0 ? methods[0].MetadataToken : 0;
        if (methods.Length > 0) s_byModule.AddOrUpdate(methods[0].Module, this);
    }

    private static readonly ConditionalWeakTable<System.Reflection.Module, CompiledModule> s_byModule = new();

    /// <summary>Methods are defined in function order, so their metadata tokens are consecutive.</summary>
    private int FirstMethodToken { get; }

    /// <summary>The WebAssembly function a method on a .NET stack trace is, if it is generated code.</summary>
    internal static WasmFrame? FrameOf(MethodBase? method)
    {
        if (method is null || !s_byModule.TryGetValue(method.Module, out var compiled)) return null;
        int defined = method.MetadataToken - compiled.FirstMethodToken;
        if ((uint)defined >= (uint)compiled.Methods.Count) return null;
        var def = compiled.Definition;
        var index = new FuncIndex((uint)(defined + def.ImportedFunctionCount));
        return new WasmFrame(def.Names?.ModuleName, (int)index.Value, def.FunctionName(index));
    }

    public ModuleDefinition Definition { get; }

    /// <summary>The method of each defined function, in function-section order.</summary>
    public IReadOnlyList<MethodInfo> Methods { get; }

    /// <summary>The module's types by index, and their canonical ids: computed once, shared by every
    /// instance's context (read only), so instantiation does not rebuild them.</summary>
    internal FuncType[] Types { get; } = [];

    /// <inheritdoc cref="Types"/>
    internal int[] TypeIds { get; } = [];

    /// <summary>The constant table every instance's context shares (read only).</summary>
    internal ulong[] Constants { get; init; } = [];

    /// <summary>The entry point of each defined function, for <see cref="Func"/>s of its instances.</summary>
    internal nint[] Code { get; }
}

/// <summary>Compiles a validated module to CIL.</summary>
public sealed class ModuleCompiler
{
    private static int s_counter;
    private readonly ModuleDefinition _module;
    private readonly MethodBuilder[] _methods;

    private ModuleCompiler(ModuleDefinition module, MethodBuilder[] methods)
    {
        _module = module;
        _methods = methods;
    }

    internal MethodInfo Method(int definedIndex) => _methods[definedIndex];

    /// <summary>Constants generated code loads from a table instead of seeing them (see
    /// <see cref="FunctionCompiler"/>'s HideConstant): 64-bit slots, a v128 takes two.</summary>
    private readonly List<ulong> _constants = new();

    /// <summary>Adds constant slots and returns the index of the first.</summary>
    internal int AddConstant(ulong low, ulong? high = null)
    {
        int index = _constants.Count;
        _constants.Add(low);
        if (high is { } h) _constants.Add(h);
        return index;
    }

    /// <summary>Compiles <paramref name="module"/>, which must be valid. Throws
    /// <see cref="WasmUnsupportedFeatureException"/> for what the compiler does not implement.</summary>
    public static CompiledModule Compile(ModuleDefinition module)
    {
        CheckModuleFeatures(module);
        int id = Interlocked.Increment(ref s_counter);
        var dynamicModule = GeneratedAssembly.Define($"Tessera.Module{id}", AssemblyBuilderAccess.RunAndCollect);
        var type = dynamicModule.DefineType("WasmModule", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var methods = new MethodBuilder[module.Functions.Count];
        var methodNames = new string[methods.Length];
        for (int i = 0; i < methods.Length; i++)
        {
            var index = new FuncIndex((uint)(i + module.ImportedFunctionCount));
            var ft = module.Types[(int)module.Functions[i].Value];
            CheckSignature(ft);
            string name = module.FunctionName(index) ?? $"func{index.Value}";
            if (!names.Add(name)) names.Add(name = $"{name}#{index.Value}");
            methodNames[i] = name;
            var returnType = ft.Results.Length == 0 ? typeof(void) : FunctionCompiler.ClrType(ft.Results[0]);
            methods[i] = type.DefineMethod(name, MethodAttributes.Public | MethodAttributes.Static, returnType, ClrSignature.Parameters(ft));
        }
        var compiler = new ModuleCompiler(module, methods);
        for (int i = 0; i < methods.Length; i++)
        {
            var ft = module.Types[(int)module.Functions[i].Value];
            var body = module.Bodies[i];
            new FunctionCompiler(compiler, module, i + module.ImportedFunctionCount, ft, body, methods[i].GetILGenerator()).Compile(body);
        }
        var created = type.CreateType();
        var infos = new MethodInfo[methods.Length];
        for (int i = 0; i < infos.Length; i++)
            infos[i] = created.GetMethod(methodNames[i], BindingFlags.Public | BindingFlags.Static) ?? throw new InvalidOperationException("lost method " + methodNames[i]);
        return new CompiledModule(module, infos) { Constants = compiler._constants.ToArray() };
    }

    private static void CheckSignature(FuncType type)
    {
        foreach (var t in type.Parameters.Concat(type.Results)) FunctionCompiler.ClrType(t);
    }

    private static void CheckModuleFeatures(ModuleDefinition module)
    {
        for (uint i = 0; i < module.TotalMemoryCount; i++)
        {
            var mt = module.MemoryType(new MemoryIndex(i));
            if (mt.Limits.Is64 || mt.Limits.Shared || mt.PageSizeLog2 != 16) throw new WasmUnsupportedFeatureException("memory64/threads", "memory " + mt);
        }
        for (uint i = 0; i < module.TotalTableCount; i++)
        {
            var tt = module.TableType(new TableIndex(i));
            if (tt.ElementType != ValType.FuncRef && tt.ElementType != ValType.ExternRef || tt.Limits.Is64) throw new WasmUnsupportedFeatureException("reference-types", "table " + tt);
        }
        for (uint i = 0; i < module.TotalGlobalCount; i++)
        {
            var gt = module.GlobalType(new GlobalIndex(i));
            FunctionCompiler.ClrType(gt.Type);
        }
        foreach (var import in module.Imports)
        {
            if (import.Kind == ExternKind.Func) CheckSignature(module.Types[(int)import.FunctionType.Value]);
            if (import.Kind == ExternKind.Tag) throw new WasmUnsupportedFeatureException("exceptions", "tag import");
        }
        if (module.Tags.Count > 0) throw new WasmUnsupportedFeatureException("exceptions", "tags");
        foreach (var segment in module.Elements)
        {
            if (segment.ElementType != ValType.FuncRef && segment.ElementType != ValType.ExternRef) throw new WasmUnsupportedFeatureException("reference-types", "element segment of " + segment.ElementType);
        }
    }
}
