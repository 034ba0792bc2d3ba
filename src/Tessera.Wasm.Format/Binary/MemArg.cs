using Tessera.Wasm.Model;

namespace Tessera.Wasm.Binary;

/// <summary>The immediate of a memory access: alignment exponent, memory, and static offset.</summary>
public readonly record struct MemArg(uint AlignLog2, MemoryIndex Memory, ulong Offset);
