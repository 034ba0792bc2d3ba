namespace Tessera.Wasm.Runtime;

/// <summary>How generated code keeps loads and stores inside their linear memory
/// (<see cref="EngineOptions.BoundsChecks"/>; docs/memory.md, Guard pages).</summary>
public enum BoundsChecks
{
    /// <summary>Each access compares its effective address against the memory's length and traps
    /// past it. Works everywhere; a memory reserves only what it may grow to.</summary>
    Explicit,

    /// <summary>Accesses are not compared: every memory sits at the start of a 6 GiB reservation
    /// (any 32-bit address plus an offset below 2 GiB lands inside it), the pages past its length
    /// are inaccessible, and the fault an out-of-bounds access raises becomes the trap. Faster
    /// loops over memory, but each memory takes 6 GiB of address space (about 20,000 fit in a
    /// 47-bit address space), and it needs the native fault handler
    /// (<see cref="Platform.Memory.GuardRegions"/>): where that is unavailable the engine keeps
    /// <see cref="Explicit"/> checks (<see cref="Engine.BoundsChecks"/> says which it uses).</summary>
    GuardPages,
}
