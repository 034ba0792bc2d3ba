using System.Reflection;
using System.Runtime.Loader;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// The load context of one loaded code image (<see cref="CodeImage"/>): collectible, so a module's
/// code unloads with it as an in-memory <c>RunAndCollect</c> assembly does, unless the engine keeps
/// code for the life of the process (<see cref="Runtime.EngineOptions.CollectibleCode"/>). Generated code
/// references Tessera.Wasm: that reference binds to the very assembly this engine runs from, even
/// when the engine itself was loaded into a non-default context, never to a second copy.
/// </summary>
internal sealed class CodeLoadContext(string name, bool collectible) : AssemblyLoadContext(name, collectible)
{
    private static readonly Assembly s_engine = typeof(CodeLoadContext).Assembly;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (AssemblyName.ReferenceMatchesDefinition(assemblyName, s_engine.GetName())) return s_engine;
        // Anything else generated code might reference resolves where the engine's own references do.
        return GetLoadContext(s_engine)?.LoadFromAssemblyName(assemblyName);
    }

    /// <summary>
    /// A collectible context stays alive until <see cref="AssemblyLoadContext.Unload"/> is called,
    /// whoever still references its code. Unloading right after loading would be too early (the JIT
    /// binds the image's references to other assemblies lazily, through this context), so the
    /// compiled module holds one of these and unloading starts when that module is collected.
    /// </summary>
    public sealed class UnloadWhenCollected(CodeLoadContext context)
    {
        ~UnloadWhenCollected() => context.Unload();
    }
}
