using Tessera.Platform.Memory;

namespace Tessera.Platform.Tests.Memory;

public sealed unsafe class VirtualMemoryTests
{
    private static readonly nuint Page = VirtualMemory.PageSize;

    /// <summary>Both implementations; the Linux one only where it can run.</summary>
    public static TheoryData<string> Hosts()
    {
        var data = new TheoryData<string> { "portable" };
        if (OperatingSystem.IsLinux()) data.Add("linux");
        return data;
    }

    private static IVirtualMemory Host(string name) => name == "linux" ? new LinuxVirtualMemory() : new PortableVirtualMemory();

    [Theory, MemberData(nameof(Hosts))]
    public void A_read_write_reservation_starts_zeroed_and_keeps_what_is_written(string name)
    {
        var host = Host(name);
        nint p = host.Reserve(4 * Page, PageAccess.ReadWrite);
        try
        {
            var bytes = new Span<byte>((void*)p, (int)(4 * Page));
            Assert.True(bytes.IndexOfAnyExcept((byte)0) < 0);
            bytes[(int)(3 * Page) + 7] = 42;
            Assert.Equal(42, ((byte*)p)[3 * Page + 7]);
        }
        finally
        {
            host.Release(p, 4 * Page);
        }
    }

    [Theory, MemberData(nameof(Hosts))]
    public void Decommitted_pages_read_back_as_zero(string name)
    {
        var host = Host(name);
        nint p = host.Reserve(2 * Page, PageAccess.ReadWrite);
        try
        {
            ((byte*)p)[0] = 1;
            ((byte*)p)[Page] = 2;
            host.Decommit(p, Page);
            Assert.Equal(0, ((byte*)p)[0]);
            Assert.Equal(2, ((byte*)p)[Page]);
        }
        finally
        {
            host.Release(p, 2 * Page);
        }
    }

    [Theory, MemberData(nameof(Hosts))]
    public void An_inaccessible_reservation_becomes_usable_once_committed(string name)
    {
        var host = Host(name);
        nint p = host.Reserve(8 * Page, PageAccess.None);
        try
        {
            host.Commit(p + (nint)Page, 2 * Page);
            ((long*)(p + (nint)Page))[0] = long.MaxValue;
            Assert.Equal(long.MaxValue, ((long*)(p + (nint)Page))[0]);
            host.Protect(p + (nint)Page, 2 * Page, PageAccess.ReadOnly);
            Assert.Equal(long.MaxValue, ((long*)(p + (nint)Page))[0]);
        }
        finally
        {
            host.Release(p, 8 * Page);
        }
    }

    [Theory, MemberData(nameof(Hosts))]
    public void An_image_maps_copy_on_write_into_each_reservation(string name)
    {
        var host = Host(name);
        using var image = MemoryImage.Create(host, 2 * Page);
        image.Write(Page - 2, [1, 2, 3, 4]);
        nint a = host.Reserve(4 * Page, PageAccess.ReadWrite), b = host.Reserve(4 * Page, PageAccess.ReadWrite);
        try
        {
            image.MapInto(a);
            image.MapInto(b);
            Assert.Equal([1, 2, 3, 4], new Span<byte>((void*)(a + (nint)Page - 2), 4).ToArray());
            ((byte*)a)[Page] = 99;
            // The write is private to a: b and the image still hold 3.
            Assert.Equal(3, ((byte*)b)[Page]);
            nint c = host.Reserve(2 * Page, PageAccess.ReadWrite);
            image.MapInto(c);
            Assert.Equal(3, ((byte*)c)[Page]);
            host.Release(c, 2 * Page);
            // Past the image the reservation is untouched zero pages.
            Assert.Equal(0, ((byte*)a)[2 * Page]);
            host.Reset(a, 2 * Page, PageAccess.ReadWrite);
            Assert.Equal(0, ((byte*)a)[Page - 1]);
            Assert.Equal(0, ((byte*)a)[Page]);
        }
        finally
        {
            host.Release(a, 4 * Page);
            host.Release(b, 4 * Page);
        }
    }

    [Fact]
    public void An_image_is_written_only_inside_its_length()
    {
        using var image = MemoryImage.Create(1);
        Assert.Equal(Page, image.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => image.Write(Page - 1, [1, 2]));
    }

    [Fact]
    public void Lengths_that_are_not_whole_pages_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VirtualMemory.Reserve(Page + 1, PageAccess.ReadWrite));
        Assert.Throws<ArgumentOutOfRangeException>(() => VirtualMemory.Reserve(0, PageAccess.ReadWrite));
    }

    [Fact]
    public void A_reservation_the_host_cannot_give_is_a_typed_error()
    {
        // 2^62 bytes is past any x64 or arm64 user address space (47 or 48 bits).
        var error = Assert.Throws<VirtualMemoryException>(() => VirtualMemory.Reserve((nuint)1 << 62, PageAccess.ReadWrite));
        Assert.Equal("reserve", error.Operation);
        if (OperatingSystem.IsLinux()) Assert.Equal(12, error.Errno);
    }

    [Fact]
    public void A_large_lazy_reservation_costs_no_resident_memory_until_written()
    {
        if (!VirtualMemory.ReservesLazily) return;
        const int MiB = 1 << 20;
        long before = ResidentBytes();
        nint p = VirtualMemory.Reserve(1024 * MiB, PageAccess.ReadWrite);
        try
        {
            long reserved = ResidentBytes();
            for (int i = 0; i < 64 * MiB; i += (int)Page) ((byte*)p)[i] = 1;
            long written = ResidentBytes();
            VirtualMemory.Decommit(p, 64 * MiB);
            long decommitted = ResidentBytes();
            // Reserving 1 GiB moved resident memory by far less than 1 GiB; writing 64 MiB added
            // about 64 MiB, and decommitting gave it back. Margins of 16 MiB absorb the runtime's own noise.
            Assert.InRange(reserved - before, -16L * MiB, 16L * MiB);
            Assert.InRange(written - reserved, 48L * MiB, 80L * MiB);
            Assert.InRange(written - decommitted, 48L * MiB, 80L * MiB);
        }
        finally
        {
            VirtualMemory.Release(p, 1024 * MiB);
        }
    }

    /// <summary>VmRSS from /proc/self/status, in bytes.</summary>
    [Fact]
    public void Detached_pages_leave_zero_behind_and_carry_their_bytes_to_another_reservation()
    {
        var host = new LinuxVirtualMemory();
        if (!OperatingSystem.IsLinux())
        {
            // Elsewhere pages never move: callers are told to copy.
            Assert.Equal(0, new PortableVirtualMemory().Detach(0, Page));
            return;
        }
        nint from = host.Reserve(8 * Page, PageAccess.ReadWrite);
        nint to = host.Reserve(8 * Page, PageAccess.ReadWrite);
        try
        {
            var source = new Span<byte>((void*)from, (int)(8 * Page));
            var destination = new Span<byte>((void*)to, (int)(8 * Page));
            for (int i = 0; i < source.Length; i++) source[i] = (byte)(i * 7 + 3);
            destination.Fill(0xEE);
            ulong frame = PageMapEntry(from + (nint)(2 * Page));

            nint pages = host.Detach(from + (nint)(2 * Page), 4 * Page);
            Assert.NotEqual(0, pages);
            // The range is still mapped and reads as zero; its neighbours keep their bytes.
            Assert.True(source.Slice((int)(2 * Page), (int)(4 * Page)).IndexOfAnyExcept((byte)0) < 0);
            Assert.Equal((byte)((2 * (int)Page - 1) * 7 + 3), source[(int)(2 * Page) - 1]);
            Assert.Equal((byte)(6 * (int)Page * 7 + 3), source[(int)(6 * Page)]);

            host.Attach(pages, to + (nint)Page, 4 * Page);
            for (int i = 0; i < (int)(4 * Page); i++)
                Assert.Equal((byte)((i + 2 * (int)Page) * 7 + 3), destination[(int)Page + i]);
            Assert.Equal(0xEE, destination[(int)Page - 1]);
            Assert.Equal(0xEE, destination[(int)(5 * Page)]);
            // Moved, not copied: the same physical page is now at the destination. Frame numbers
            // are shown only to a process with CAP_SYS_ADMIN; the present bit (63) to any.
            ulong moved = PageMapEntry(to + (nint)Page);
            Assert.True((moved >> 63) == 1, "the destination page is not present");
            if ((frame & PageFrameMask) != 0) Assert.Equal(frame & PageFrameMask, moved & PageFrameMask);
        }
        finally
        {
            host.Release(from, 8 * Page);
            host.Release(to, 8 * Page);
        }
    }

    [Fact]
    public void Reservations_of_a_large_page_or_more_start_on_a_large_page()
    {
        // 4 KiB pages hold 512 eight-byte entries: a page-table page maps 2 MiB.
        if (Page == 4096) Assert.Equal((nuint)(2 << 20), VirtualMemory.LargePageSize);
        var host = new LinuxVirtualMemory();
        if (!OperatingSystem.IsLinux()) return;
        var reservations = new List<(nint, nuint)>();
        try
        {
            // Smaller reservations in between push the next one off any boundary the host might
            // have picked by itself.
            for (int i = 0; i < 8; i++)
            {
                reservations.Add((host.Reserve(Page * (nuint)(i + 1), PageAccess.ReadWrite), Page * (nuint)(i + 1)));
                nuint length = VirtualMemory.LargePageSize * (nuint)(i % 3 + 1) + Page * (nuint)i;
                nint address = host.Reserve(length, PageAccess.None);
                reservations.Add((address, length));
                Assert.Equal(0u, (nuint)address % VirtualMemory.LargePageSize);
            }
        }
        finally
        {
            foreach (var (address, length) in reservations) host.Release(address, length);
        }
    }

    private const ulong PageFrameMask = (1UL << 55) - 1;

    /// <summary>The page's entry in /proc/self/pagemap (the kernel's documented format: bit 63
    /// present, bits 0-54 the frame number).</summary>
    private static ulong PageMapEntry(nint address)
    {
        using var map = File.OpenRead("/proc/self/pagemap");
        map.Position = (long)((ulong)address / Page * 8);
        Span<byte> entry = stackalloc byte[8];
        map.ReadExactly(entry);
        return BitConverter.ToUInt64(entry);
    }

    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim()) * 1024;
        }
        throw new InvalidOperationException("no VmRSS");
    }
}
