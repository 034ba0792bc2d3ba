using Tessera.Platform.Memory;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// A linear memory in native memory: a slot of reserved address space (<see cref="SlotPool"/>)
/// whose first <see cref="Length"/> bytes are the memory. Generated code caches <see cref="Base"/>
/// and <see cref="Length"/> in locals, reloaded after calls and <c>memory.grow</c>.
/// </summary>
/// <remarks>
/// The slot is reserved to the declared maximum, the store's limit or
/// <see cref="SlotPool.LargestPooled"/> (32 MiB), whichever is least (and at least the minimum);
/// <c>memory.grow</c> inside it only moves <see cref="Length"/> (pages are committed lazily, when
/// first written). Growing past it moves the memory to a slot twice as large, so
/// <see cref="Base"/> can change at a grow and nowhere else. Freeing the memory (its store
/// disposed, or the memory finalized) decommits the pages and returns the slot to the pool.
/// A memory of an engine using <see cref="BoundsChecks.GuardPages"/> lives in a guard slot
/// instead (<see cref="GuardSlotPool"/>): reserved for any address the code can form, accessible
/// only up to <see cref="Length"/>, never moved.
/// </remarks>
public sealed unsafe class Memory : Extern
{
    public const int PageSize = 65536;
    /// <summary>The most pages a memory may have: 32,767 pages keep every memory within a
    /// <see cref="Span{T}"/> (just under 2 GiB).</summary>
    public const ulong MaxPages = (ulong)int.MaxValue / PageSize;

    /// <summary>Address of byte 0; generated code reads this field directly. Zero once freed.</summary>
    internal nint Base;
    /// <summary>Current size in bytes; generated code reads this field directly. Zero once freed,
    /// so every access to a freed memory traps.</summary>
    internal long Length;

    private readonly Store _store;
    private MemorySlot _slot;
    /// <summary>Bytes at the start of the slot mapped from a copy-on-write image.</summary>
    private nuint _imageBytes;
    /// <summary>Page ranges attached (<see cref="AttachPages"/>) since the slot was taken: each may be
    /// a kernel mapping of its own, so the slot's used range is reset, not only decommitted, when it
    /// goes back to the pool (one plain mapping again), and they count against
    /// <see cref="MaxAttachedRanges"/> until then.</summary>
    private int _attachedRanges;
    private static int s_attachedRanges;

    /// <summary>The most attached page ranges all memories of the process hold at once: each
    /// splits its slot's kernel mapping (up to two more mappings), and a process has only
    /// <c>vm.max_map_count</c> (65,530); past this, <see cref="AttachPages"/> answers false and
    /// the caller copies.</summary>
    public const int MaxAttachedRanges = 16_384;
    private bool HasAttachedPages => _attachedRanges != 0;
    private int _freed;

    /// <summary>A memory of <paramref name="type"/>'s minimum size, owned by
    /// <paramref name="store"/> (counted against its limits, freed with it), with guard pages when
    /// the store's engine compiles for them.</summary>
    /// <exception cref="WasmResourceLimitException">The minimum exceeds the store's limit or the
    /// host refused the reservation.</exception>
    public Memory(Store store, MemoryType type)
        : this(type, store ?? throw new ArgumentNullException(nameof(store)), store.Engine.BoundsChecks == BoundsChecks.GuardPages)
    {
    }

    public override ExternKind Kind => ExternKind.Memory;

    public override Store Owner => _store;

    /// <summary>As the public constructor, in a guard slot when <paramref name="guarded"/> (the
    /// instantiated module's code was compiled for guard pages).</summary>
    internal Memory(MemoryType type, Store store, bool guarded)
    {
        _store = store;
        if (type.Limits.Is64 || type.PageSizeLog2 != 16) throw new WasmUnsupportedFeatureException("memory64/custom-page-sizes", "memory " + type);
        Type = type;
        if (type.Limits.Min > MaxPages) throw new WasmResourceLimitException("memory too large", $"{type.Limits.Min} pages; at most {MaxPages}");
        long bytes = (long)type.Limits.Min * PageSize;
        if (!store.TryAddMemory(bytes))
            throw new WasmResourceLimitException("store memory limit", $"{bytes} bytes would exceed {store.Limits.MemoryBytes} ({store.CommittedMemoryBytes} in use)");
        ulong reserve = Math.Min(Math.Min(type.Limits.Max ?? MaxPages, MaxPages) * PageSize, SlotPool.LargestPooled);
        if (store.Limits.MemoryBytes is { } limit) reserve = Math.Min(reserve, (ulong)limit);
        reserve = Math.Max(reserve, (ulong)bytes);
        try
        {
            _slot = guarded ? GuardSlotPool.Rent((nuint)bytes) : SlotPool.Rent((nuint)reserve);
            HasGuardPages = guarded;
        }
        catch (VirtualMemoryException e)
        {
            store.RemoveMemory(bytes);
            throw new WasmResourceLimitException("memory reservation refused", e.Message);
        }
        Base = _slot.Address;
        Length = bytes;
        store.Own(this);
    }

    ~Memory() => Free();

    public MemoryType Type { get; private set; }

    /// <summary>True when the memory lives in a guard slot: code compiled for guard pages may
    /// access it (and only such memories).</summary>
    public bool HasGuardPages { get; }

    /// <summary>Current size in pages.</summary>
    public int Pages => (int)(Length / PageSize);

    /// <summary>Current size in bytes.</summary>
    public long ByteLength => Length;

    /// <summary>The memory's current contents. Valid until the memory grows or is freed.</summary>
    public Span<byte> Span => new((void*)Base, (int)Length);

    /// <summary>Grows by <paramref name="delta"/> pages; returns the old size in pages, or -1 (as
    /// the spec's memory.grow) past the maximum, past the store's limit, when the host refuses the
    /// memory, or once the memory is freed.</summary>
    public int Grow(uint delta)
    {
        int old = Pages;
        ulong target = (ulong)old + delta;
        if (target > Math.Min(Type.Limits.Max ?? MaxPages, MaxPages) || _freed != 0) return -1;
        if (delta == 0) return old;
        long added = (long)delta * PageSize;
        if (!_store.TryAddMemory(added)) return -1;
        nuint bytes = (nuint)(target * PageSize);
        if (HasGuardPages ? !TryOpen(bytes) : bytes > _slot.Length && !TryMove(Math.Max(bytes, 2 * _slot.Length)))
        {
            _store.RemoveMemory(added);
            return -1;
        }
        Length = (long)bytes;
        Type = Type with { Limits = Type.Limits with { Min = target } };
        return old;
    }

    /// <summary>Makes a guard slot accessible up to <paramref name="bytes"/>; false if the host refuses.</summary>
    private bool TryOpen(nuint bytes)
    {
        try
        {
            GuardSlotPool.Open(_slot, (nuint)Length, bytes);
            return true;
        }
        catch (VirtualMemoryException)
        {
            return false;
        }
    }

    /// <summary>Moves the contents to a larger slot; false if the host refuses one.</summary>
    private bool TryMove(nuint bytes)
    {
        MemorySlot bigger;
        try
        {
            bigger = SlotPool.Rent(bytes);
        }
        catch (VirtualMemoryException)
        {
            return false;
        }
        Span.CopyTo(new Span<byte>((void*)bigger.Address, (int)Length));
        var old = _slot;
        _slot = bigger;
        Base = bigger.Address;
        SlotPool.Return(old, (nuint)Length, ResetBytes);
        _imageBytes = 0;
        ForgetAttached();
        return true;
    }

    /// <summary>
    /// Takes the host pages of [<paramref name="offset"/>, + <paramref name="length"/>) out of the
    /// memory without copying them (<see cref="VirtualMemory.Detach"/>): the range reads as zero
    /// afterwards, and the pages can be attached to this or another memory. Both must be multiples
    /// of <see cref="VirtualMemory.PageSize"/>. Null when they cannot move: the range overlaps the
    /// module's copy-on-write data image, the host cannot move pages, or
    /// <see cref="DetachedPages.MaxLive"/> ranges are already detached; the caller copies then.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not whole pages inside the memory.</exception>
    public DetachedPages? DetachPages(long offset, long length)
    {
        CheckPageRange(offset, length);
        if (_freed != 0 || (nuint)offset < _imageBytes || length == 0) return null;
        return DetachedPages.TryDetach(Base + (nint)offset, (nuint)length);
    }

    /// <summary>Places <paramref name="pages"/> at <paramref name="offset"/> (a multiple of
    /// <see cref="VirtualMemory.PageSize"/>), replacing the bytes there without copying; the pages
    /// belong to this memory afterwards. False when the host refuses or the memory is freed: the
    /// pages are then unchanged, for the caller to copy from.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The pages would not lie inside the memory.</exception>
    public bool AttachPages(DetachedPages pages, long offset)
    {
        ArgumentNullException.ThrowIfNull(pages);
        CheckPageRange(offset, (long)pages.Length);
        if (_freed != 0) return false;
        if (Interlocked.Increment(ref s_attachedRanges) > MaxAttachedRanges || !pages.TryAttach(Base + (nint)offset))
        {
            Interlocked.Decrement(ref s_attachedRanges);
            return false;
        }
        _attachedRanges++;
        return true;
    }

    private void CheckPageRange(long offset, long length)
    {
        long page = (long)VirtualMemory.PageSize;
        if (offset < 0 || length < 0 || offset > Length - length || offset % page != 0 || length % page != 0)
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, +{length}) is not whole host pages inside the memory's {Length} bytes");
    }

    private void ForgetAttached()
    {
        Interlocked.Add(ref s_attachedRanges, -_attachedRanges);
        _attachedRanges = 0;
    }

    /// <summary>The bytes at the slot's start to reset rather than decommit when it is returned.</summary>
    private nuint ResetBytes => HasAttachedPages ? (nuint)Length : _imageBytes;

    /// <summary>Maps <paramref name="image"/> over the start of a memory still all zero (at
    /// instantiation); false when it does not fit, and the caller copies instead.</summary>
    internal bool TryMapImage(MemoryImage image)
    {
        if (image.Length > (nuint)Length || _imageBytes != 0) return false;
        image.MapInto(Base);
        _imageBytes = image.Length;
        return true;
    }

    /// <summary>Gives the pages back and the slot to the pool; the memory reads as empty after.
    /// Called once, by the owning store's Dispose or the finalizer.</summary>
    internal void Free()
    {
        // A memory whose constructor threw before its slot was rented holds nothing: its finalizer
        // returns here. (Suppressing and re-registering finalization around the rent instead cost
        // 0.4 us of every instantiation.)
        if (_slot.Length == 0 && Length == 0) return;
        if (Interlocked.Exchange(ref _freed, 1) != 0) return;
        GC.SuppressFinalize(this);
        long bytes = Length;
        // Code compiled for guard pages does not check addresses: it must fault inside a guard
        // region, never at an address near 0 (a fault there is not a trap but a crash).
        Base = HasGuardPages ? GuardSlotPool.DeadBase : 0;
        Length = 0;
        _store.RemoveMemory(bytes);
        var slot = _slot;
        _slot = default;
        if (slot.Length == 0) return;
        try
        {
            nuint reset = HasAttachedPages ? (nuint)bytes : _imageBytes;
            ForgetAttached();
            if (HasGuardPages) GuardSlotPool.Return(slot, (nuint)bytes, reset);
            else SlotPool.Return(slot, (nuint)bytes, reset);
        }
        catch (VirtualMemoryException)
        {
            // The host would not decommit the slot: keep it out of the pool (its address space
            // stays reserved) rather than throw on the finalizer thread, which ends the process.
        }
    }
}
