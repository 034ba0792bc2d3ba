using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// A linear memory backed by a <c>byte[]</c> whose length is always the current size in bytes.
/// Generated code caches <see cref="Buffer"/> in a local and reloads it after calls and
/// <c>memory.grow</c>, which replaces the array. The platform layer replaces the backing store later.
/// </summary>
public sealed class Memory
{
    public const int PageSize = 65536;
    /// <summary>The most pages a byte[] can hold: 32,767 pages is just under 2 GiB.</summary>
    public const ulong MaxPagesForArray = (ulong)int.MaxValue / PageSize;

    /// <summary>The memory's bytes; generated code reads this field directly.</summary>
    public byte[] Buffer;

    public Memory(MemoryType type)
    {
        if (type.Limits.Is64 || type.PageSizeLog2 != 16) throw new WasmUnsupportedFeatureException("memory64/custom-page-sizes", "memory " + type);
        Type = type;
        if (type.Limits.Min > MaxPagesForArray) throw new WasmTrap(TrapKind.MemoryOutOfBounds, $"cannot allocate {type.Limits.Min} pages");
        Buffer = new byte[checked((int)type.Limits.Min * PageSize)];
    }

    public MemoryType Type { get; private set; }

    /// <summary>Current size in pages.</summary>
    public int Pages => Buffer.Length / PageSize;

    /// <summary>Grows by <paramref name="delta"/> pages; returns the old size in pages, or -1 (as the spec's memory.grow).</summary>
    public int Grow(uint delta)
    {
        int old = Pages;
        ulong target = (ulong)old + delta;
        ulong max = Math.Min(Type.Limits.Max ?? 65536, MaxPagesForArray);
        if (target > max) return -1;
        if (delta == 0) return old;
        var bigger = new byte[(int)target * PageSize];
        Buffer.AsSpan().CopyTo(bigger);
        Buffer = bigger;
        Type = Type with { Limits = Type.Limits with { Min = target } };
        return old;
    }

    /// <summary>The memory's current contents.</summary>
    public Span<byte> Span => Buffer;
}
