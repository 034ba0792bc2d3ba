using System.Numerics;
using Tessera.Platform.Memory;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// Reserved slots for linear memories, pooled and reused. Slots come in power-of-two size classes
/// from 64 KiB to <see cref="LargestPooled"/>; each class carves its slots out of slabs of
/// <see cref="SlotsPerSlab"/> slots and at least <see cref="SlabBytes"/>, so many memories share one kernel mapping (a process may hold
/// only <c>vm.max_map_count</c>, 65,530 by default, and 100,000 memories must fit). A returned
/// slot is decommitted (its written pages go back to the host) and kept reserved for the next
/// memory of its class. Larger slots are reserved alone and released when freed.
/// </summary>
/// <remarks>
/// Thread-safe: memories are freed by <see cref="Store.Dispose"/> on the store's thread or by
/// finalizers on the finalizer thread.
/// </remarks>
internal static class SlotPool
{
    public const nuint SmallestSlot = Memory.PageSize;
    public const nuint LargestPooled = 32 << 20;
    /// <summary>Slab size where reservations are lazy; on the portable fallback each slot is its
    /// own allocation, since a slab there would be allocated in full.</summary>
    private const nuint SlabBytes = 256 << 20;
    private const nuint SlotsPerSlab = 64;

    private static readonly object s_lock = new();
    private static readonly Stack<nint>[] s_free = CreateLists();
    private static readonly (nint Next, nint End)[] s_slabs = new (nint, nint)[s_free.Length];

    private static Stack<nint>[] CreateLists()
    {
        int classes = BitOperations.Log2(LargestPooled) - BitOperations.Log2(SmallestSlot) + 1;
        var lists = new Stack<nint>[classes];
        for (int i = 0; i < classes; i++) lists[i] = new Stack<nint>();
        return lists;
    }

    /// <summary>The size class that holds <paramref name="bytes"/>.</summary>
    public static nuint SizeClass(nuint bytes) => Math.Max(SmallestSlot, (nuint)BitOperations.RoundUpToPowerOf2((ulong)bytes));

    /// <summary>A zero-filled slot of at least <paramref name="bytes"/>.</summary>
    /// <exception cref="VirtualMemoryException">The host refused the reservation.</exception>
    public static MemorySlot Rent(nuint bytes)
    {
        nuint length = SizeClass(bytes);
        if (length > LargestPooled) return new MemorySlot(VirtualMemory.Reserve(length, PageAccess.ReadWrite), length);
        int index = ClassIndex(length);
        lock (s_lock)
        {
            if (s_free[index].TryPop(out nint address)) return new MemorySlot(address, length);
            if (!VirtualMemory.ReservesLazily) return new MemorySlot(VirtualMemory.Reserve(length, PageAccess.ReadWrite), length);
            ref var slab = ref s_slabs[index];
            if (slab.Next == slab.End)
            {
                nuint size = Math.Max(SlabBytes, length * SlotsPerSlab);
                nint start = VirtualMemory.Reserve(size, PageAccess.ReadWrite);
                slab = (start, start + (nint)size);
            }
            nint slot = slab.Next;
            slab.Next += (nint)length;
            return new MemorySlot(slot, length);
        }
    }

    /// <summary>Takes a slot back. <paramref name="usedBytes"/> (page multiples) may have been
    /// written and are decommitted; the first <paramref name="imageBytes"/> held a copy-on-write
    /// image and are replaced by fresh pages.</summary>
    public static void Return(MemorySlot slot, nuint usedBytes, nuint imageBytes)
    {
        if (slot.Length > LargestPooled)
        {
            VirtualMemory.Release(slot.Address, slot.Length);
            return;
        }
        if (imageBytes > 0) VirtualMemory.Reset(slot.Address, imageBytes, PageAccess.ReadWrite);
        if (usedBytes > imageBytes) VirtualMemory.Decommit(slot.Address + (nint)imageBytes, usedBytes - imageBytes);
        lock (s_lock) s_free[ClassIndex(slot.Length)].Push(slot.Address);
    }

    private static int ClassIndex(nuint length) => BitOperations.Log2(length) - BitOperations.Log2(SmallestSlot);
}
