using Tessera.Platform.Memory;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>
/// Pages moved between linear memories without copying (<see cref="Memory.DetachPages"/>,
/// <see cref="Memory.AttachPages"/>): what the kernel's <c>send_move</c> is built on. Expected
/// bytes are the pattern the test writes, (i * 7 + 3) mod 256; zero where the WebAssembly and
/// mremap semantics say a range was emptied. In the slot pool's collection: the last test counts
/// the process's kernel mappings and watches slots come back.
/// </summary>
[Collection(nameof(SlotPoolCollection))]
public sealed class PageMoveTests
{
    private static readonly int Page = (int)VirtualMemory.PageSize;
    private static readonly Engine s_engine = new();

    private static Memory NewMemory(Store store, int pages = 16) => new(store, new MemoryType(new Limits((ulong)pages, null)));

    private static void Fill(Span<byte> bytes, int start)
    {
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)((start + i) * 7 + 3);
    }

    [Fact]
    public void Pages_leave_zero_behind_and_arrive_with_their_bytes()
    {
        using var store = new Store(s_engine);
        var from = NewMemory(store);
        var to = NewMemory(store);
        Fill(from.Span, 0);
        to.Span.Fill(0xEE);
        int live = DetachedPages.Live;

        using var pages = from.DetachPages(4 * Page, 8 * Page);
        if (!OperatingSystem.IsLinux())
        {
            Assert.Null(pages);
            return;
        }
        Assert.NotNull(pages);
        Assert.Equal(live + 1, DetachedPages.Live);
        Assert.True(from.Span.Slice(4 * Page, 8 * Page).IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal((byte)((4 * Page - 1) * 7 + 3), from.Span[4 * Page - 1]);
        Assert.Equal((byte)(12 * Page * 7 + 3), from.Span[12 * Page]);
        Assert.Equal((byte)(4 * Page * 7 + 3), pages.Span[0]);

        Assert.True(to.AttachPages(pages, 2 * Page));
        Assert.Equal(live, DetachedPages.Live);
        var arrived = to.Span.Slice(2 * Page, 8 * Page);
        for (int i = 0; i < arrived.Length; i++) Assert.Equal((byte)((4 * Page + i) * 7 + 3), arrived[i]);
        Assert.Equal(0xEE, to.Span[2 * Page - 1]);
        Assert.Equal(0xEE, to.Span[10 * Page]);
        // The attached pages are the memory's own: writable, and the sender's range is usable again.
        to.Span[2 * Page] = 1;
        from.Span[4 * Page] = 2;
        Assert.Equal(1, to.Span[2 * Page]);
        Assert.Equal(2, from.Span[4 * Page]);
    }

    [Fact]
    public void Ranges_that_are_not_whole_pages_inside_the_memory_are_refused()
    {
        using var store = new Store(s_engine);
        var memory = NewMemory(store, pages: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.DetachPages(1, Page));
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.DetachPages(0, Page + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.DetachPages(Memory.PageSize - Page, 2 * Page));
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.DetachPages(-Page, Page));
        if (memory.DetachPages(0, Page) is not { } pages) return;
        using (pages)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => memory.AttachPages(pages, Memory.PageSize));
            Assert.Throws<ArgumentOutOfRangeException>(() => memory.AttachPages(pages, 1));
        }
    }

    [Fact]
    public void A_data_image_is_never_detached_but_the_pages_after_it_are()
    {
        // 64 KiB of data at 0 is mapped copy-on-write from the module's image (DataImage.Threshold):
        // its pages belong to a file and must not move; the page after the image may.
        string data = new('a', (int)DataImage.Threshold);
        var module = Module.FromText(s_engine, $"(module (memory (export \"memory\") 2) (data (i32.const 0) \"{data}\"))");
        using var store = new Store(s_engine);
        var memory = new Linker().Instantiate(store, module).GetMemory("memory")!;
        Assert.Equal((byte)'a', memory.Span[Page]);
        Assert.Null(memory.DetachPages(0, Page));
        Assert.Null(memory.DetachPages(Memory.PageSize - Page, 2 * Page));
        using var after = memory.DetachPages(Memory.PageSize, Page);
        Assert.Equal(OperatingSystem.IsLinux(), after is not null);
        Assert.Equal((byte)'a', memory.Span[0]);
    }

    [Fact]
    public void Pages_that_are_never_attached_are_freed_by_dispose_or_by_the_finalizer()
    {
        using var store = new Store(s_engine);
        var memory = NewMemory(store);
        int live = DetachedPages.Live;
        var pages = memory.DetachPages(0, Page);
        if (pages is null) return;
        pages.Dispose();
        Assert.Equal(live, DetachedPages.Live);
        Assert.Throws<ObjectDisposedException>(() => pages.Span[0]);
        Assert.Throws<ObjectDisposedException>(() => memory.AttachPages(pages, 0));

        Abandon(memory);
        Assert.Equal(live + 1, DetachedPages.Live);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(live, DetachedPages.Live);
    }

    private static void Abandon(Memory memory) => _ = memory.DetachPages(Page, Page);

    [Fact]
    public void A_slot_that_took_pages_goes_back_to_the_pool_as_one_mapping_reading_zero()
    {
        if (!OperatingSystem.IsLinux()) return;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        int mappingsBefore = Mappings();
        nint slot;
        using (var store = new Store(s_engine))
        {
            var from = NewMemory(store, pages: 8);
            var to = NewMemory(store, pages: 8);
            slot = to.Base;
            Fill(from.Span, 0);
            // Twenty single pages, every other page: each splits the slab's mapping around it.
            for (int i = 0; i < 20; i++)
                Assert.True(to.AttachPages(from.DetachPages(2 * i * Page, Page)!, 2 * i * Page + Page));
            Assert.True(Mappings() >= mappingsBefore + 20, "attached pages did not split the mapping");
        }
        // Reset on return, the used range is one mapping again, merged with its neighbours.
        Assert.InRange(Mappings(), 0, mappingsBefore + 4);
        using (var store = new Store(s_engine))
        {
            var reused = NewMemory(store, pages: 8);
            Assert.Equal(slot, reused.Base);
            Assert.True(reused.Span.IndexOfAnyExcept((byte)0) < 0);
        }
    }

    private static int Mappings() => File.ReadLines("/proc/self/maps").Count();
}
