using System.Reflection;
using System.Reflection.Emit;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>Compiles a validated module to CIL.</summary>
internal sealed class ModuleCompiler
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

    internal MethodInfo Method(DefinedFuncIndex function) => _methods[function.Value];

    /// <summary>The resume copy of a resumable function (<see cref="ResumeMode.Resume"/>).</summary>
    internal MethodInfo ResumeMethod(DefinedFuncIndex function) => _resumeMethods[function.Value] ?? throw new InvalidOperationException($"defined function {function} is not resumable");

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
        var (types, constants) = Emit(module, dynamicModule, options);
        if (options?.ResumableEverywhere == true)
        {
            foreach (var type in types)
            {
                foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)) System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(method.MethodHandle);
            }
        }
        var methods = FunctionMethods(module, types) ?? throw new InvalidOperationException("generated code lost the method of a function");
        return new CompiledModule(module, methods, constants);
    }

    /// <summary>
    /// The method of each defined function among <paramref name="types"/>, in function order:
    /// function i is the method whose metadata token is <paramref name="firstToken"/> + i (function
    /// methods are defined first and in order, so their tokens are consecutive; without a first
    /// token, the lowest of the first type's). Null when one is missing, or is not that function's
    /// by name and type. One pass over each type: looking each up by name scans the type's methods
    /// per lookup, which made compiling 20,000 functions take 40 s (docs/benchmarks.md, Compile
    /// time); resolving each token on its own (<see cref="System.Reflection.Module.ResolveMethod(int)"/>)
    /// took 0.58 s of a 20,000-function cache hit and 4.0 s of an 80,000-function one, against
    /// 0.10 s and 0.34 s for this.
    /// </summary>
    internal static MethodInfo[]? FunctionMethods(ModuleDefinition module, IReadOnlyList<Type> types, int? firstToken = null)
    {
        var methods = new MethodInfo[module.Functions.Count];
        if (methods.Length == 0) return methods;
        const BindingFlags Declared = BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly;
        int first = firstToken ?? types[0].GetMethods(Declared).Min(m => m.MetadataToken);
        foreach (var type in types)
        {
            foreach (var method in type.GetMethods(Declared))
            {
                int defined = method.MetadataToken - first;
                if ((uint)defined < (uint)methods.Length) methods[defined] = method;
            }
        }
        var names = MethodNames(module);
        for (int i = 0; i < methods.Length; i++)
        {
            if (methods[i]?.Name != names[i] || methods[i].DeclaringType?.Name != FunctionTypeName(i)) return null;
        }
        return methods;
    }

    /// <summary>The name of the type that holds a module's first <see cref="MethodsPerType"/> functions.</summary>
    internal const string TypeName = "WasmModule";

    /// <summary>
    /// Functions per generated type. The runtime refuses to load a type of more than about 65,500
    /// methods (<see cref="TypeLoadException"/>, "more methods than the current implementation
    /// allows"; measured between 65,000 and 65,530), and a module may define up to
    /// <see cref="EngineLimits.MaxFunctions"/>: functions are spread over as many types as they
    /// need, half full at most so no change of the runtime's count brings the limit back.
    /// </summary>
    internal const int MethodsPerType = 32_768;

    /// <summary>How many types hold the functions of a module with <paramref name="count"/> defined functions.</summary>
    internal static int FunctionTypeCount(int count) => (count + MethodsPerType - 1) / MethodsPerType;

    /// <summary>The type that holds defined function <paramref name="definedIndex"/>: <c>WasmModule</c>,
    /// then <c>WasmModule1</c>, <c>WasmModule2</c>, ...</summary>
    internal static string FunctionTypeName(int definedIndex) =>
        definedIndex < MethodsPerType ? TypeName : TypeName + (definedIndex / MethodsPerType).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The type that holds the resume copy of defined function <paramref name="definedIndex"/>.</summary>
    private static string ResumeTypeName(int definedIndex) => FunctionTypeName(definedIndex) + "$resume";

    /// <summary>Defines the module's types in <paramref name="target"/>, one method per defined
    /// function in function order (so their metadata tokens are consecutive), and creates them.
    /// Returns the created types (functions', then resume copies', then frame savers') and the
    /// constant table their code reads (<see cref="AddConstant"/>), which is not part of any type:
    /// a cached image is stored with it.</summary>
    internal static (Type[] Types, ulong[] Constants) Emit(ModuleDefinition module, ModuleBuilder target, EngineOptions? options = null)
    {
        CheckModuleFeatures(module);
        var methodNames = MethodNames(module);
        var methods = new MethodBuilder[methodNames.Length];
        // The function types are defined first and in order, before any method, and each method's
        // token is taken as it is defined (resume types and savers' types come after): tokens then
        // follow definition order in memory, and a saved image lists methods type by type, so both
        // number function i's method as row i + 1 (CodeImage.Load and CompiledModule.FrameOf rely on it).
        var functionTypes = new TypeBuilder[FunctionTypeCount(methods.Length)];
        for (int t = 0; t < functionTypes.Length; t++) functionTypes[t] = DefineCodeType(target, FunctionTypeName(t * MethodsPerType));
        for (int i = 0; i < methods.Length; i++)
        {
            var ft = module.FunctionType(new DefinedFuncIndex((uint)i));
            CheckSignature(ft);
            var returnType = ft.Results.Length == 0 ? typeof(void) : FunctionCompiler.ClrType(ft.Results[0]);
            methods[i] = functionTypes[i / MethodsPerType].DefineMethod(methodNames[i], MethodAttributes.Public | MethodAttributes.Static, returnType, ClrSignature.Parameters(ft));
            // An in-memory method gets its token when first asked for, which a call to it in an
            // earlier body would otherwise do out of order: ask now.
            _ = methods[i].MetadataToken;
        }
        // Resume copies come after every function's method, so methods keep their function-order
        // tokens (CompiledModule maps a token back to its function).
        bool preemptible = options?.Preemptible == true;
        bool fuel = options?.Fuel == true;
        var graph = CallGraph.Build(module, options?.SuspendingImports, options?.ResumableEverywhere == true, preemptible);
        bool interruptible = options?.Interruptible == true || preemptible || fuel;
        var resumeMethods = new MethodBuilder?[methods.Length];
        var resumeTypes = new TypeBuilder?[functionTypes.Length];
        for (int i = 0; i < methods.Length; i++)
        {
            if (graph?.IsResumable(new DefinedFuncIndex((uint)i)) != true) continue;
            var type = resumeTypes[i / MethodsPerType] ??= DefineCodeType(target, ResumeTypeName(i));
            resumeMethods[i] = type.DefineMethod(methodNames[i] + "$resume", MethodAttributes.Public | MethodAttributes.Static, methods[i].ReturnType, ClrSignature.Parameters(module.FunctionType(new DefinedFuncIndex((uint)i))));
            _ = resumeMethods[i]!.MetadataToken;
        }
        var compiler = new ModuleCompiler(module, methods, resumeMethods, new FrameSavers(target)) { GuardPages = options?.BoundsChecks == BoundsChecks.GuardPages };
        for (int i = 0; i < methods.Length; i++)
        {
            var function = new DefinedFuncIndex((uint)i);
            var ft = module.FunctionType(function);
            var body = module.Body(function);
            bool resumable = resumeMethods[i] is not null;
            new FunctionCompiler(compiler, module, function, ft, body, methods[i].GetILGenerator())
            {
                Graph = graph,
                Mode = resumable ? ResumeMode.Fast : ResumeMode.None,
                Interruptible = interruptible,
                Preemptible = preemptible,
                Fuel = fuel,
            }.Compile(body);
            if (!resumable) continue;
            new FunctionCompiler(compiler, module, function, ft, body, resumeMethods[i]!.GetILGenerator())
            {
                Graph = graph,
                Mode = ResumeMode.Resume,
                Interruptible = interruptible,
                Preemptible = preemptible,
                Fuel = fuel,
            }.Compile(body);
        }
        var created = new List<Type>(functionTypes.Length * 2 + 1);
        foreach (var type in functionTypes) created.Add(type.CreateType());
        foreach (var type in resumeTypes) if (type is not null) created.Add(type.CreateType());
        created.AddRange(compiler.Savers.Create());
        return ([.. created], compiler._constants.ToArray());
    }

    private static TypeBuilder DefineCodeType(ModuleBuilder target, string name) =>
        target.DefineType(name, TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class);

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
            var index = module.ToIndex(new DefinedFuncIndex((uint)i));
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
            if (import.Kind == ExternKind.Func) CheckSignature(module.Type(import.FunctionType));
            if (import.Kind == ExternKind.Tag) throw new WasmUnsupportedFeatureException("exceptions", "tag import");
        }
        if (module.Tags.Count > 0) throw new WasmUnsupportedFeatureException("exceptions", "tags");
        foreach (var segment in module.Elements)
        {
            if (segment.ElementType != ValType.FuncRef && segment.ElementType != ValType.ExternRef) throw new WasmUnsupportedFeatureException("reference-types", "element segment of " + segment.ElementType);
        }
    }
}
