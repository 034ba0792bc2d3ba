namespace Tessera.Architecture.Tests.Namespaces;

/// <summary>
/// The namespace cycles that exist today, each with why. The test fails on a cycle not listed here
/// and on a listed one that no longer exists as listed (broken, or grown or shrunk into another set
/// of namespaces), so this list cannot go stale. Breaking a cycle means deleting its entry.
/// </summary>
internal static class KnownNamespaceCycles
{
    /// <summary>A cycle by assembly and <see cref="NamespaceCycle.Key"/>, with the reason it exists.</summary>
    public sealed record Known(string Assembly, string Key, string Reason);

    public static readonly IReadOnlyList<Known> All =
    [
        new("Tessera.Wasm.Format", "Tessera.Wasm <-> Tessera.Wasm.Binary <-> Tessera.Wasm.Text",
            "the root namespace holds what Binary and Text build on (WasmFeatures, the WasmException family) and also the front door ModuleFormat, which calls the text assembler (TextLimits, WatSyntaxException: the only uses out of the root)"),
        new("Tessera.Wasm", "Tessera.Wasm.Caching <-> Tessera.Wasm.Compilation <-> Tessera.Wasm.Runtime",
            "Runtime's Module and Engine compile and cache (ModuleCompiler, CompiledModule, ModuleCache) while the compiler emits code against runtime state (InstanceContext, Func, WasmTrap, Value) and the cache keys on the runtime's BoundsChecks"),
        new("Tessera.Wasi", "Tessera.Wasi <-> Tessera.Wasi.Files <-> Tessera.Wasi.Poll <-> Tessera.Wasi.Process <-> Tessera.Wasi.Sockets",
            "the root's WasiContext owns the descriptor table (with socket descriptors) and WasiModule registers every function group, while each group's functions take the WasiContext they run in"),
        new("Tessera.Kernel", "Tessera.Kernel <-> Tessera.Kernel.Devices <-> Tessera.Kernel.Mailboxes <-> Tessera.Kernel.Reactor <-> Tessera.Kernel.Scheduling <-> Tessera.Kernel.Tasks",
            "the root's Kernel owns scheduler, reactor, tasks and mailboxes, while the guest import modules (TaskImports, DeviceImports) and the reactor's TaskWaiter take the Kernel, and a KernelTask holds its Mailbox and InterruptLines"),
    ];
}
