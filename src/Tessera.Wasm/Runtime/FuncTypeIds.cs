using System.Collections.Concurrent;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// One small integer per distinct function type in the process, so a signature check (call_indirect,
/// typed calls) is one integer compare however long the types are. Types are compared structurally,
/// as WebAssembly 2.0 does; ids are never reused.
/// </summary>
internal static class FuncTypeIds
{
    private static readonly ConcurrentDictionary<FuncType, int> s_ids = new();
    private static int s_next;

    public static int Of(FuncType type) =>
        s_ids.TryGetValue(type, out int id) ? id : s_ids.GetOrAdd(type, _ => Interlocked.Increment(ref s_next));
}
