using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Tests;

/// <summary>
/// Counts and lengths the guest chooses do not size host buffers (docs/security.md, "Host
/// buffers sized by guest values"): an iovec array is checked and used in place, a path is
/// refused past PATH_MAX before it is copied, and poll_oneoff takes at most
/// <c>PollFunctions.MaxSubscriptions</c> subscriptions. Allocation is measured on the calling
/// thread, where WASI functions run.
/// </summary>
public sealed class GuestSizedBufferTests : IDisposable
{
    private const int Root = 3;
    /// <summary>Well under what the guest's counts would cost if copied (8 MiB of iovecs, an 8 MiB path).</summary>
    private const long Allowance = 64 * 1024;
    private const int Table = 64 * 1024, Huge = 8 << 20;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tessera-guestsized-");
    private readonly Guest _guest;

    public GuestSizedBufferTests() =>
        _guest = new Guest(new WasiConfiguration().WithPreopen(_dir.FullName, "/work"), pages: (Table + Huge) / 65536 + 1);

    public void Dispose()
    {
        _guest.Dispose();
        _dir.Delete(recursive: true);
    }

    private static long Allocated(Action action)
    {
        action(); // the first call compiles and caches what later calls reuse
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>A million iovecs (8 MiB of table), all empty but the last, which holds "abcd":
    /// fd_write writes those 4 bytes and the host copies none of the table.</summary>
    [Fact]
    public void AMillionIovecsAreUsedInPlace()
    {
        const int count = 1_000_000;
        var (e, fd) = _guest.Open(Root, "out", OFlags.Creat, Rights.FdWrite | Rights.FdSeek);
        Assert.Equal(Errno.Success, e);
        _guest.Memory.Slice(Table, count * 8).Clear();
        int text = _guest.Put(Guest.Data, "abcd");
        _guest.SetU32(Table + (count - 1) * 8, Guest.Data);
        _guest.SetU32(Table + (count - 1) * 8 + 4, (uint)text);
        long allocated = Allocated(() =>
        {
            Assert.Equal(Errno.Success, _guest.Call("fd_pwrite", fd, Table, count, 0L, Guest.Out));
            Assert.Equal(4u, _guest.U32(Guest.Out));
        });
        Assert.True(allocated < Allowance, $"{allocated} bytes allocated");
        Assert.Equal("abcd", File.ReadAllText(Path.Combine(_dir.FullName, "out")));
    }

    [Fact]
    public void AnEightMebibytePathIsNotCopied()
    {
        _guest.Memory.Slice(Table, Huge).Fill((byte)'a');
        long allocated = Allocated(() => Assert.Equal(Errno.NameTooLong, _guest.Call("path_filestat_get", Root, 0, Table, Huge, Guest.Out)));
        // The refusal is a WasiException: a few hundred bytes, not a copy of 8 MiB.
        Assert.True(allocated < Allowance, $"{allocated} bytes allocated");
    }

    /// <summary>Writes <paramref name="count"/> monotonic clock subscriptions, relative, timeout 0.</summary>
    private void Subscriptions(int count)
    {
        var span = _guest.Memory.Slice(Table, count * Layouts.SubscriptionSize);
        span.Clear();
        for (int i = 0; i < count; i++)
        {
            var s = span.Slice(i * Layouts.SubscriptionSize);
            BitConverter.TryWriteBytes(s, (ulong)i);
            s[8] = (byte)EventType.Clock;
            BitConverter.TryWriteBytes(s[16..], (uint)ClockId.Monotonic);
        }
    }

    [Fact]
    public void PollTakesAtMost4096Subscriptions()
    {
        int events = Table + 4097 * Layouts.SubscriptionSize;
        Subscriptions(4096);
        Assert.Equal(Errno.Success, _guest.Call("poll_oneoff", Table, events, 4096, Guest.Out));
        Assert.Equal(4096u, _guest.U32(Guest.Out));

        Subscriptions(4097);
        _guest.SetU32(Guest.Out, 12345);
        var before = _guest.Memory.Slice(events, 4097 * Layouts.EventSize).ToArray();
        Assert.Equal(Errno.Inval, _guest.Call("poll_oneoff", Table, events, 4097, Guest.Out));
        Assert.Equal(12345u, _guest.U32(Guest.Out));
        Assert.Equal(before, _guest.Memory.Slice(events, 4097 * Layouts.EventSize).ToArray());
    }
}
