using Tessera.Platform.Memory;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// Reservations for linear memories under <see cref="BoundsChecks.GuardPages"/>: each slot is
/// <see cref="SlotBytes"/> of address space, inaccessible except for the memory's current length.
/// Generated code then forms <c>base + address + offset</c> with no compare: a 32-bit address plus
/// an offset of at most <see cref="MaxUncheckedOffset"/> (and an access of at most 16 bytes) stays
/// inside the slot, so an access past the memory's length faults on an inaccessible page, and the
/// fault, inside a registered guard region (<see cref="GuardRegions"/>), becomes the trap.
/// </summary>
/// <remarks>
/// Slots are carved from arenas of <see cref="SlotsPerArena"/>, each reserved inaccessible and
/// registered as one guard region (the fault handler scans its regions linearly, so fewer is
/// better). Memory never moves: a memory's largest size (just under 2 GiB,
/// <see cref="Memory.MaxPages"/>) fits in its slot, so growing only opens more pages. A returned
/// slot's pages are decommitted but left open, and the next memory opens or closes only the
/// difference (none for a memory of the same size: instantiating a module again costs no
/// protection change). A freed memory points at
/// <see cref="DeadBase"/>, a slot never opened, so stale code that still holds the memory faults
/// into a guard region instead of touching another memory's pages.
/// </remarks>
internal static class GuardSlotPool
{
    /// <summary>4 GiB for any 32-bit address, plus 2 GiB for static offsets.</summary>
    public const ulong SlotBytes = 6UL << 30;

    /// <summary>The largest static offset an access may have and still go unchecked (larger ones
    /// keep the explicit check): an access of up to 16 bytes at 2^32 - 1 plus this offset ends
    /// inside the slot.</summary>
    public const ulong MaxUncheckedOffset = SlotBytes - (1UL << 32) - 16;

    private const int SlotsPerArena = 16;

    /// <summary><see cref="SlotBytes"/> as an address-sized length (guard pages are 64-bit only:
    /// <see cref="GuardRegions.TryEnable"/> refuses other architectures).</summary>
    private static readonly nuint s_slotLength = (nuint)Math.Min(SlotBytes, nuint.MaxValue);

    private static readonly object s_lock = new();
    /// <summary>Returned slots and how many bytes at their start are still open (read-write,
    /// decommitted): a slot reused for a memory of the same size needs no protection change.</summary>
    private static readonly Stack<(nint Address, nuint Open)> s_free = new();
    private static (nint Next, nint End) s_arena;
    private static readonly Lazy<string?> s_unavailable = new(Initialize);
    private static nint s_deadBase;

    /// <summary>True when guard regions work here (the fault handler is installed and the first
    /// arena was reserved).</summary>
    public static bool IsAvailable => s_unavailable.Value is null;

    public static string? UnavailableReason => s_unavailable.Value;

    /// <summary>The base of every freed guarded memory: inaccessible for good.</summary>
    public static nint DeadBase => s_deadBase;

    private static string? Initialize()
    {
        if (!GuardRegions.TryEnable()) return GuardRegions.UnavailableReason;
        try
        {
            lock (s_lock) s_deadBase = TakeSlot();
            return null;
        }
        catch (VirtualMemoryException e)
        {
            return "the first guard arena could not be reserved: " + e.Message;
        }
    }

    /// <summary>A slot whose first <paramref name="bytes"/> are accessible and zero, and nothing after.</summary>
    /// <exception cref="VirtualMemoryException">The host refused the address space or the pages.</exception>
    public static MemorySlot Rent(nuint bytes)
    {
        if (!IsAvailable) throw new InvalidOperationException("guard pages are unavailable: " + UnavailableReason);
        (nint Address, nuint Open) slot;
        try
        {
            slot = Take();
        }
        catch (VirtualMemoryException)
        {
            // Out of address space, most likely held by memories nobody disposed and the garbage
            // collector has not finalized yet (it runs on allocation pressure, not address space):
            // collect once, let their finalizers return their slots, and try again.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            slot = Take();
        }
        // If the host refuses, the slot's state is unknown: it stays out of the pool (its address
        // space stays reserved and registered, so nothing else is ever mapped there).
        if (slot.Open < bytes) VirtualMemory.Protect(slot.Address + (nint)slot.Open, bytes - slot.Open, PageAccess.ReadWrite);
        else if (slot.Open > bytes) VirtualMemory.Protect(slot.Address + (nint)bytes, slot.Open - bytes, PageAccess.None);
        return new MemorySlot(slot.Address, s_slotLength);
    }

    private static (nint, nuint) Take()
    {
        lock (s_lock) return s_free.TryPop(out var reused) ? reused : (TakeSlot(), 0);
    }

    /// <summary>Opens the pages between <paramref name="oldBytes"/> and <paramref name="newBytes"/>.</summary>
    /// <exception cref="VirtualMemoryException">The host refused.</exception>
    public static void Open(MemorySlot slot, nuint oldBytes, nuint newBytes) =>
        VirtualMemory.Protect(slot.Address + (nint)oldBytes, newBytes - oldBytes, PageAccess.ReadWrite);

    /// <summary>Takes a slot back from a memory of <paramref name="openBytes"/>: its pages are given
    /// back to the host and read as zero (the first <paramref name="imageBytes"/>, a mapped image,
    /// become fresh pages) but stay open, so the next memory of the same size opens nothing.</summary>
    /// <exception cref="VirtualMemoryException">The host would not reset the pages; the slot is
    /// then not reused.</exception>
    public static void Return(MemorySlot slot, nuint openBytes, nuint imageBytes)
    {
        if (imageBytes > 0) VirtualMemory.Reset(slot.Address, imageBytes, PageAccess.ReadWrite);
        if (openBytes > imageBytes) VirtualMemory.Decommit(slot.Address + (nint)imageBytes, openBytes - imageBytes);
        lock (s_lock) s_free.Push((slot.Address, openBytes));
    }

    /// <summary>The next unused slot of the current arena, reserving and registering a new arena
    /// when it is used up. Called under the lock.</summary>
    private static nint TakeSlot()
    {
        if (s_arena.Next == s_arena.End)
        {
            nuint size = s_slotLength * SlotsPerArena;
            nint start = VirtualMemory.Reserve(size, PageAccess.None);
            try
            {
                GuardRegions.Add(start, size);
            }
            catch (VirtualMemoryException)
            {
                VirtualMemory.Release(start, size);
                throw;
            }
            s_arena = (start, start + (nint)size);
        }
        nint slot = s_arena.Next;
        s_arena.Next += (nint)s_slotLength;
        return slot;
    }
}
