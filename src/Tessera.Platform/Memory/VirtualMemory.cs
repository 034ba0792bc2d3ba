namespace Tessera.Platform.Memory;

/// <summary>
/// Address space reserved, committed, decommitted, protected and released in whole host pages.
/// On Linux these are mmap, mprotect and madvise; elsewhere a portable fallback allocates
/// reservations up front (see <see cref="ReservesLazily"/>). Every failure is a
/// <see cref="VirtualMemoryException"/>.
/// </summary>
/// <remarks>
/// Addresses and lengths must be multiples of <see cref="PageSize"/> and lie inside one
/// reservation; the caller (the engine's linear memories) keeps that invariant.
/// A reservation made with <see cref="PageAccess.ReadWrite"/> is committed lazily: a page costs
/// memory only once written. That is what linear memories use, because changing protection splits
/// the kernel's mapping in two, and a process has only <c>vm.max_map_count</c> (65,530 by default)
/// mappings.
/// </remarks>
public static class VirtualMemory
{
    private static readonly IVirtualMemory s_host = OperatingSystem.IsLinux() ? new LinuxVirtualMemory() : new PortableVirtualMemory();

    /// <summary>The host's page size: the granularity of every call here.</summary>
    public static nuint PageSize { get; } = (nuint)Environment.SystemPageSize;

    /// <summary>The span one page-table page maps (a page's worth of 8-byte entries): 2 MiB with
    /// 4 KiB pages. Reservations of at least this size start at a multiple of it, so a range
    /// aligned to it in one reservation is aligned in the address space, and <see cref="Detach"/>
    /// and <see cref="Attach"/> of such ranges move page-table pages whole.</summary>
    public static nuint LargePageSize { get; } = PageSize * (PageSize / 8);

    /// <summary>True when reserved pages cost nothing until written (Linux); false on the
    /// portable fallback, where a reservation is allocated and zeroed at once.</summary>
    public static bool ReservesLazily => s_host.ReservesLazily;

    internal static IVirtualMemory Host => s_host;

    /// <summary>Reserves <paramref name="length"/> bytes of address space, zero-filled.</summary>
    public static nint Reserve(nuint length, PageAccess access) => s_host.Reserve(CheckLength(length), access);

    /// <summary>Makes reserved pages readable and writable.</summary>
    public static void Commit(nint address, nuint length) => s_host.Commit(address, CheckLength(length));

    /// <summary>Gives the pages' memory back to the host; they stay accessible and read as zero.</summary>
    public static void Decommit(nint address, nuint length) => s_host.Decommit(address, CheckLength(length));

    /// <summary>Replaces whatever is mapped over the range (written pages, a mapped
    /// <see cref="MemoryImage"/>) by fresh zero pages with <paramref name="access"/>.</summary>
    public static void Reset(nint address, nuint length, PageAccess access) => s_host.Reset(address, CheckLength(length), access);

    public static void Protect(nint address, nuint length, PageAccess access) => s_host.Protect(address, CheckLength(length), access);

    /// <summary>Returns a whole reservation (the address and length <see cref="Reserve"/> gave).</summary>
    public static void Release(nint address, nuint length) => s_host.Release(address, CheckLength(length));

    /// <summary>
    /// Takes the pages of a range out of their reservation without copying them: the range stays
    /// accessible and reads as zero, and the pages are returned as a mapping of their own, for
    /// <see cref="Attach"/> to place in another reservation (or <see cref="Release"/> to free).
    /// Returns 0 when the host cannot move pages (the portable fallback, kernels before 5.7, or the
    /// mapping limit reached): the caller copies instead. The range must hold ordinary read-write
    /// pages, not a <see cref="MemoryImage"/>.
    /// </summary>
    public static nint Detach(nint address, nuint length) => s_host.Detach(address, CheckLength(length));

    /// <summary>Places pages <see cref="Detach"/> returned over a range of a reservation, replacing
    /// what was there; <paramref name="pages"/> is consumed.</summary>
    /// <exception cref="VirtualMemoryException">The host refused; the pages are then still at
    /// <paramref name="pages"/>, the caller's to copy and release, and the range holds zero pages
    /// (what was there may be gone: the caller copies over all of it).</exception>
    public static void Attach(nint pages, nint address, nuint length) => s_host.Attach(pages, address, CheckLength(length));

    /// <summary>Rounds <paramref name="length"/> up to a whole number of host pages.</summary>
    public static nuint RoundUp(nuint length) => (length + PageSize - 1) & ~(PageSize - 1);

    private static nuint CheckLength(nuint length)
    {
        if (length == 0 || length % PageSize != 0) throw new ArgumentOutOfRangeException(nameof(length), length, "not a positive multiple of the page size");
        return length;
    }
}
