namespace Tessera.Wasm.Runtime;

/// <summary>A reserved range a linear memory lives in: <see cref="Length"/> is a size class of
/// <see cref="SlotPool"/> (a power of two, at least one WebAssembly page).</summary>
internal readonly record struct MemorySlot(nint Address, nuint Length);
