using System.Reflection;
using System.Reflection.Emit;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>Compiles a validated module to CIL.</summary>
public sealed class ModuleCompiler
{
    private static int s_counter;
    private readonly ModuleDefinition _module;
    private readonly MethodBuilder[] _methods;

    private readonly MethodBuilder?[] _resumeMethods;

    private ModuleCompiler(ModuleDefinition module, MethodBuilder[] methods, MethodBuilder?[] resumeMethods, FrameSavers savers)
    {
        _module = module;
        _methods = methods;
        _resumeMethods = resumeMethods;
        Savers = savers;
    }

    /// <summary>The methods suspending frames call to save themselves.</summary>
    internal FrameSavers Savers { get; }

    internal MethodInfo Method(int definedIndex) => _methods[definedIndex];

    /// <summary>The resume copy of a resumable function (<see cref="ResumeMode.Resume"/>).</summary>
    internal MethodInfo ResumeMethod(int definedIndex) => _resumeMethods[definedIndex] ?? throw new InvalidOperationException($"function {definedIndex} is not resumable");

    /// <summary>Constants generated code loads from a table instead of seeing them (see
    /// <see cref="FunctionCompiler"/>'s HideConstant): 64-bit slots, a v128 takes two.</summary>
    private readonly List<ulong> _constants = new();

    /// <summary>Loads and stores with a small static offset go unchecked: the module's memories
    /// are guarded (<see cref="BoundsChecks.GuardPages"/>).</summary>
    internal bool GuardPages { get; init; }

    /// <summary>Adds constant slots and returns the index of the first.</summary>
    internal int AddConstant(ulong low, ulong? high = null)
    {
        int index = _constants.Count;
        _constants.Add(low);
        if (high is { } h) _constants.Add(h);
        return index;
    }

    /// <summary>Compiles <paramref name="module"/>, which must be valid, into an in-memory assembly,
    /// collectible unless <paramref name="collectible"/> is false (<see cref="EngineOptions.CollectibleCode"/>). Throws <see cref="WasmUnsupportedFeatureException"/> for what the
    /// compiler does not implement.</summary>
    public static CompiledModule Compile(ModuleDefinition module, bool collectible = true) => CompileWith(module, options: null, collectible);

    /// <summary>As <see cref="Compile(ModuleDefinition, bool)"/>, with resumable functions for the
    /// options' suspending imports and interrupt checks if asked for; collectible as the options
    /// say unless <paramref name="collectible"/> is given.</summary>
    internal static CompiledModule CompileWith(ModuleDefinition module, EngineOptions? options, bool? collectible = null)
    {
        int id = Interlocked.Increment(ref s_counter);
        bool unloadable = collectible ?? options?.CollectibleCode ?? true;
        var dynamicModule = GeneratedAssembly.Define($"Tessera.Module{id}", unloadable ? AssemblyBuilderAccess.RunAndCollect : AssemblyBuilderAccess.Run);
        var (created, constants) = Emit(module, dynamicModule, options);
        if (options?.ResumableEverywhere == true)
        {
            foreach (var method in created.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)) System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(method.MethodHandle);
            var savers = created.Module.GetType(FrameSavers.TypeName);
            foreach (var method in savers?.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly) ?? []) System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(method.MethodHandle);
        }
        var names = MethodNames(module);
        var infos = new MethodInfo[names.Length];
        for (int i = 0; i < infos.Length; i++)
            infos[i] = created.GetMethod(names[i], BindingFlags.Public | BindingFlags.Static) ?? throw new InvalidOperationException("lost method " + names[i]);
        return new CompiledModule(module, infos, constants);
    }

    /// <summary>The name of the type that holds a module's methods.</summary>
    internal const string TypeName = "WasmModule";

    /// <summary>Defines the module's type in <paramref name="target"/>, one method per defined
    /// function in function order (so their metadata tokens are consecutive), and creates it.
    /// Returns the type and the constant table its code reads (<see cref="AddConstant"/>), which
    /// is not part of the type: a cached image is stored with it.</summary>
    internal static (Type Type, ulong[] Constants) Emit(ModuleDefinition module, ModuleBuilder target, EngineOptions? options = null)
    {
        CheckModuleFeatures(module);
        var type = target.DefineType(TypeName, TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class);
        var methodNames = MethodNames(module);
        var methods = new MethodBuilder[methodNames.Length];
        for (int i = 0; i < methods.Length; i++)
        {
            var ft = module.Types[(int)module.Functions[i].Value];
            CheckSignature(ft);
            var returnType = ft.Results.Length == 0 ? typeof(void) : FunctionCompiler.ClrType(ft.Results[0]);
            methods[i] = type.DefineMethod(methodNames[i], MethodAttributes.Public | MethodAttributes.Static, returnType, ClrSignature.Parameters(ft));
        }
        // Resume copies come after every function's method, so methods keep their function-order
        // tokens (CompiledModule maps a token back to its function).
        bool preemptible = options?.Preemptible == true;
        bool fuel = options?.Fuel == true;
        var graph = CallGraph.Build(module, options?.SuspendingImports, options?.ResumableEverywhere == true, preemptible);
        bool interruptible = options?.Interruptible == true || preemptible || fuel;
        var resumeMethods = new MethodBuilder?[methods.Length];
        for (int i = 0; i < methods.Length; i++)
        {
            if (graph?.IsResumable(i) != true) continue;
            resumeMethods[i] = type.DefineMethod(methodNames[i] + "$resume", MethodAttributes.Public | MethodAttributes.Static, methods[i].ReturnType, ClrSignature.Parameters(module.Types[(int)module.Functions[i].Value]));
        }
        var compiler = new ModuleCompiler(module, methods, resumeMethods, new FrameSavers(target)) { GuardPages = options?.BoundsChecks == BoundsChecks.GuardPages };
        for (int i = 0; i < methods.Length; i++)
        {
            var ft = module.Types[(int)module.Functions[i].Value];
            var body = module.Bodies[i];
            bool resumable = resumeMethods[i] is not null;
            new FunctionCompiler(compiler, module, i + module.ImportedFunctionCount, ft, body, methods[i].GetILGenerator())
            {
                Graph = graph,
                Mode = resumable ? ResumeMode.Fast : ResumeMode.None,
                Interruptible = interruptible,
                Preemptible = preemptible,
                Fuel = fuel,
            }.Compile(body);
            if (!resumable) continue;
            new FunctionCompiler(compiler, module, i + module.ImportedFunctionCount, ft, body, resumeMethods[i]!.GetILGenerator())
            {
                Graph = graph,
                Mode = ResumeMode.Resume,
                Interruptible = interruptible,
                Preemptible = preemptible,
                Fuel = fuel,
            }.Compile(body);
        }
        compiler.Savers.Create();
        return (type.CreateType(), compiler._constants.ToArray());
    }

    /// <summary>Does <paramref name="module"/> compiled under <paramref name="options"/> differ from
    /// its plain compilation (the code the module cache holds, for either kind of bounds check)?</summary>
    internal static bool NeedsOptions(ModuleDefinition module, EngineOptions options) =>
        options.Interruptible || options.Preemptible || options.Fuel || options.ResumableEverywhere
        || options.SuspendingImports is { Count: > 0 } suspending && module.Imports.Any(i => i.Kind == ExternKind.Func && suspending.Contains((i.Module, i.Name)));

    /// <summary>The method name of each defined function: its name-section name, else
    /// <c>func{index}</c>; a repeated name gets <c>#index</c>. Deterministic, so a loaded image is
    /// checked against the names its module would be compiled with.</summary>
    internal static string[] MethodNames(ModuleDefinition module)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var names = new string[module.Functions.Count];
        for (int i = 0; i < names.Length; i++)
        {
            var index = new FuncIndex((uint)(i + module.ImportedFunctionCount));
            string name = module.FunctionName(index) ?? $"func{index.Value}";
            if (!seen.Add(name)) seen.Add(name = $"{name}#{index.Value}");
            names[i] = name;
        }
        return names;
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
