using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>What instantiation allocates, for tests that bound it per function or per import.</summary>
internal static class Allocations
{
    /// <summary>The bytes one instantiation of <paramref name="module"/> allocates on this thread,
    /// measured after a first instantiation (first-use costs); <paramref name="check"/> runs on the
    /// measured instance, outside the measurement.</summary>
    public static long OfInstantiation(Linker linker, Store store, Module module, Action<Instance> check)
    {
        linker.Instantiate(store, module);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var instance = linker.Instantiate(store, module);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        check(instance);
        return bytes;
    }
}
