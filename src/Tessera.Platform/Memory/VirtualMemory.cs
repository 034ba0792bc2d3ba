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

    /// <summary>Rounds <paramref name="length"/> up to a whole number of host pages.</summary>
    public static nuint RoundUp(nuint length) => (length + PageSize - 1) & ~(PageSize - 1);

    private static nuint CheckLength(nuint length)
    {
        if (length == 0 || length % PageSize != 0) throw new ArgumentOutOfRangeException(nameof(length), length, "not a positive multiple of the page size");
        return length;
    }
}
