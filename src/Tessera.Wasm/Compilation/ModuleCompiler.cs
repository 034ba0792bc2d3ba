using System.Reflection;
using System.Reflection.Emit;
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
    }

    public ModuleDefinition Definition { get; }

    /// <summary>The method of each defined function, in function-section order.</summary>
    public IReadOnlyList<MethodInfo> Methods { get; }
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

    /// <summary>Compiles <paramref name="module"/>, which must be valid. Throws
    /// <see cref="WasmUnsupportedFeatureException"/> for what the compiler does not implement.</summary>
    public static CompiledModule Compile(ModuleDefinition module)
    {
        CheckModuleFeatures(module);
        int id = Interlocked.Increment(ref s_counter);
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName($"Tessera.Module{id}"), AssemblyBuilderAccess.RunAndCollect);
        var dynamicModule = assembly.DefineDynamicModule($"Tessera.Module{id}");
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
            methods[i] = type.DefineMethod(name, MethodAttributes.Public | MethodAttributes.Static, returnType, ClrParameters(ft));
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
        return new CompiledModule(module, infos);
    }

    /// <summary>The CLR parameters of a function of type <paramref name="type"/>: the context, the
    /// WebAssembly parameters, then a byref per result after the first (the first is returned).</summary>
    internal static Type[] ClrParameters(FuncType type)
    {
        int extra = Math.Max(0, type.Results.Length - 1);
        var parameters = new Type[1 + type.Parameters.Length + extra];
        parameters[0] = typeof(InstanceContext);
        for (int p = 0; p < type.Parameters.Length; p++) parameters[p + 1] = FunctionCompiler.ClrType(type.Parameters[p]);
        for (int r = 1; r < type.Results.Length; r++) parameters[type.Parameters.Length + r] = FunctionCompiler.ClrType(type.Results[r]).MakeByRefType();
        return parameters;
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
