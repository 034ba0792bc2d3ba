using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// Creates the assemblies generated code lives in (dynamic, or persisted to an image), each allowed to use Tessera.Wasm's
/// internal members (<see cref="IgnoresAccessChecksToAttribute"/>).
/// </summary>
internal static class GeneratedAssembly
{
    private static readonly Lazy<ModuleBuilder> s_stubs = new(() => Define("Tessera.Stubs", AssemblyBuilderAccess.Run));

    /// <summary>Defines a dynamic assembly and its one module.</summary>
    public static ModuleBuilder Define(string name, AssemblyBuilderAccess access)
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName(name), access, [IgnoresAccessChecks()]);
        return assembly.DefineDynamicModule(name);
    }

    /// <summary>Defines an assembly to be saved as a PE image (<see cref="CodeImage"/>) and its one
    /// module. It references System.Private.CoreLib, not reference assemblies: the image is only
    /// ever loaded by the runtime that wrote it (the cache key includes the runtime version).</summary>
    public static (PersistedAssemblyBuilder Assembly, ModuleBuilder Module) DefinePersisted(string name)
    {
        var assembly = new PersistedAssemblyBuilder(new AssemblyName(name), typeof(object).Assembly, [IgnoresAccessChecks()]);
        return (assembly, assembly.DefineDynamicModule(name));
    }

    /// <summary>The runtime honours the attribute for loaded images as for dynamic assemblies.</summary>
    private static CustomAttributeBuilder IgnoresAccessChecks() =>
        new(typeof(IgnoresAccessChecksToAttribute).GetConstructor([typeof(string)])!, [typeof(GeneratedAssembly).Assembly.GetName().Name!]);

    /// <summary>The process-wide assembly for host adapters: few (one per host signature or
    /// delegate type), small, and kept for the life of the process.</summary>
    public static ModuleBuilder Stubs => s_stubs.Value;

    private static readonly Lock s_lock = new();
    private static int s_counter;

    /// <summary>Defines several static methods in one new type of <see cref="Stubs"/> and returns
    /// them in order: creating a type is the costly part of a stub (start-up creates one per host
    /// signature), so methods made together share one.</summary>
    public static MethodInfo[] DefineStubs(string typeName, (string Name, Type Return, Type[] Parameters, Action<ILGenerator> Emit)[] methods)
    {
        lock (s_lock)
        {
            var type = Stubs.DefineType($"{typeName}#{++s_counter}", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class);
            foreach (var (name, returnType, parameters, emit) in methods)
                emit(type.DefineMethod(name, MethodAttributes.Public | MethodAttributes.Static, returnType, parameters).GetILGenerator());
            var created = type.CreateType();
            var defined = new MethodInfo[methods.Length];
            for (int i = 0; i < defined.Length; i++) defined[i] = created.GetMethod(methods[i].Name, BindingFlags.Public | BindingFlags.Static)!;
            return defined;
        }
    }
}
