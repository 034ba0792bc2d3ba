using Tessera.Kernel.Devices;
using Tessera.Wasi;
using Tessera.Wasm.Runtime;

namespace Tessera.Kernel;

/// <summary>What a task the host spawns starts with besides its module and arguments
/// (<see cref="Kernel.Spawn(Module, string, SpawnOptions, Value[])"/>).</summary>
public sealed record SpawnOptions
{
    /// <summary>The program's WASI context (descriptors, arguments, environment), shared by the
    /// tasks it spawns; none by default.</summary>
    public WasiContext? Wasi { get; init; }

    /// <summary>The program's compartment: its memories and tables, and those of every task it
    /// spawns, count against it.</summary>
    public ResourceQuota? Quota { get; init; }

    /// <summary>Interrupt lines the task may wait on, as <c>tessera_device.wait</c>'s line 0, 1, ...
    /// in this order. A capability: tasks it spawns get none (tasks in its own instance,
    /// <c>spawn_local</c>, share its lines as they share its memory).</summary>
    public IReadOnlyList<InterruptLine> Devices { get; init; } = [];
}
