using System.Reflection;
using System.Reflection.Metadata.Ecma335;
using System.Runtime.Loader;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// A module's code as a PE image: compiled with a <see cref="System.Reflection.Emit.PersistedAssemblyBuilder"/>
/// so it can be written to the module cache, and loaded back into its own load context
/// (<see cref="CodeLoadContext"/>). The image holds exactly what <see cref="ModuleCompiler.Compile"/>
/// would emit in memory; the decoded <see cref="ModuleDefinition"/> it belongs to is not in it.
/// </summary>
internal static class CodeImage
{
    /// <summary>The names of images loaded into the default context: an assembly name can be loaded
    /// there once.</summary>
    private static readonly HashSet<string> s_inDefaultContext = [];

    /// <summary>
    /// Whether an image named <paramref name="name"/> that is kept for the life of the process may
    /// load into the default context, which resolves its reference to Tessera.Wasm natively; a
    /// context of its own does that through a managed callback, about 5 ms on first use, a quarter
    /// of a cached <c>tessera run</c> after the runtime starts (docs/benchmarks.md, Startup). The
    /// same module loaded again gets a context of its own. A claim is never given back, even when
    /// the image turns out bad: the default context may already hold an assembly of that name, and
    /// the recompiled image that replaces a bad entry must not collide with it.
    /// </summary>
    private static bool ClaimDefaultContext(string name)
    {
        lock (s_inDefaultContext) return s_inDefaultContext.Add(name);
    }

    /// <summary>Compiles <paramref name="module"/>, which must be valid, to an image whose assembly is
    /// named <paramref name="name"/>, and the constant table its code reads; its loads and stores
    /// are checked as <paramref name="bounds"/> says.</summary>
    public static (byte[] Image, ulong[] Constants) Compile(ModuleDefinition module, string name, Runtime.BoundsChecks bounds = Runtime.BoundsChecks.Explicit)
    {
        var (assembly, target) = GeneratedAssembly.DefinePersisted(name);
        var (_, constants) = ModuleCompiler.Emit(module, target, bounds == Runtime.BoundsChecks.Explicit ? null : new Runtime.EngineOptions { BoundsChecks = bounds });
        using var stream = new MemoryStream();
        assembly.Save(stream);
        return (stream.ToArray(), constants);
    }

    /// <summary>
    /// Loads an image of <paramref name="module"/>'s code, with the constant table it was compiled with. Throws <see cref="InvalidDataException"/>
    /// (or <see cref="BadImageFormatException"/>) when the image is not one: its methods must be
    /// the module's, by name, in function order. Always loaded from the bytes, never from the cache
    /// file by path: the runtime would map the file, and a file truncated in place by someone else
    /// while mapped faults the process.
    /// </summary>
    public static CompiledModule Load(ModuleDefinition module, ArraySegment<byte> image, ulong[] constants, string name, bool collectible = true)
    {
        var context = collectible || !ClaimDefaultContext(name) ? new CodeLoadContext(name, collectible) : AssemblyLoadContext.Default;
        var lifetime = collectible ? new CodeLoadContext.UnloadWhenCollected((CodeLoadContext)context) : null;
        try
        {
            Assembly assembly;
            using (var stream = new MemoryStream(image.Array!, image.Offset, image.Count, writable: false)) assembly = context.LoadFromStream(stream);
            // Methods were defined in function order, type by type: function i is row i + 1.
            var types = new Type[ModuleCompiler.FunctionTypeCount(module.Functions.Count)];
            for (int t = 0; t < types.Length; t++)
            {
                string typeName = ModuleCompiler.FunctionTypeName(t * ModuleCompiler.MethodsPerType);
                types[t] = assembly.ManifestModule.GetType(typeName) ?? throw new InvalidDataException($"code image {name}: no type {typeName}");
            }
            var methods = ModuleCompiler.FunctionMethods(module, types, MetadataTokens.GetToken(MetadataTokens.MethodDefinitionHandle(1)))
                ?? throw new InvalidDataException($"code image {name}: its methods are not the module's functions, in order");
            // Binds the image's reference to Tessera.Wasm now (parameter 0 is its InstanceContext),
            // while the context is certainly alive, rather than at the first JIT of a method.
            if (methods.Length > 0) _ = methods[0].GetParameters();
            return new CompiledModule(module, methods, constants, lifetime);
        }
        catch
        {
            if (lifetime is not null)
            {
                GC.SuppressFinalize(lifetime);
                context.Unload();
            }
            throw;
        }
    }
}
