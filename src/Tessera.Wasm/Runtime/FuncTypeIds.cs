using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// One small integer per distinct function type in the process, so a signature check (call_indirect,
/// typed calls) is one integer compare however long the types are. Types are compared structurally,
/// as WebAssembly 2.0 does; ids are never reused.
/// </summary>
internal static class FuncTypeIds
{
    // A dictionary under a lock, not a ConcurrentDictionary: ids are looked up when modules load and
    // host functions are made, never per call, and this instantiation is precompiled in the core
    // library where ConcurrentDictionary's would be JIT-compiled at start-up (docs/benchmarks.md, Startup).
    private static readonly Dictionary<FuncType, int> s_ids = [];

    public static int Of(FuncType type)
    {
        lock (s_ids)
        {
            if (!s_ids.TryGetValue(type, out int id)) s_ids[type] = id = s_ids.Count + 1;
            return id;
        }
    }
}
