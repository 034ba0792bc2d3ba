using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Tests;

/// <summary>
/// Counts and lengths the guest chooses do not size host buffers (docs/security.md, "Host
/// buffers sized by guest values"): an iovec array is copied only up to IOV_MAX entries, a path is
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

    /// <summary>1,024 iovecs (IOV_MAX), all empty but the last, which holds "abcd": fd_pwrite
    /// writes those 4 bytes; the host's copy of the table is 8 KiB, whatever the memory holds.</summary>
    [Fact]
    public void IovecsUpToIovMaxAreUsed()
    {
        const int count = 1_024;
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

    /// <summary>A million iovecs (8 MiB of table, inside memory) of one byte each, all pointing at
    /// "x": fd_pwrite takes the first 1,024 (IOV_MAX) and writes 1,024 bytes, a short write, with
    /// no copy of the rest of the table.</summary>
    [Fact]
    public void IovecsPastIovMaxMakeAShortTransferWithoutACopy()
    {
        const int count = 1_000_000;
        var (e, fd) = _guest.Open(Root, "out", OFlags.Creat, Rights.FdWrite | Rights.FdSeek);
        Assert.Equal(Errno.Success, e);
        int text = _guest.Put(Guest.Data, "x");
        for (int i = 0; i < count; i++)
        {
            _guest.SetU32(Table + i * 8, Guest.Data);
            _guest.SetU32(Table + i * 8 + 4, (uint)text);
        }
        long allocated = Allocated(() =>
        {
            Assert.Equal(Errno.Success, _guest.Call("fd_pwrite", fd, Table, count, 0L, Guest.Out));
            Assert.Equal((uint)IovecMax, _guest.U32(Guest.Out));
        });
        Assert.True(allocated < Allowance, $"{allocated} bytes allocated");
        Assert.Equal(new string('x', IovecMax), File.ReadAllText(Path.Combine(_dir.FullName, "out")));
    }

    private const int IovecMax = 1_024;

    /// <summary>
    /// fd_read into two buffers where the first covers the table's second entry: the bytes read
    /// into the first buffer must not choose where the rest go. As readv(2), the entries are
    /// taken when the call begins: "0123456789abcdef" lands as 8 bytes over the table, then 8 in
    /// the second buffer as it was given.
    /// </summary>
    [Fact]
    public void BytesReadDoNotRedirectTheRestOfTheRead()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "in"), "0123456789abcdef");
        var (e, fd) = _guest.Open(Root, "in", rights: Rights.FdRead);
        Assert.Equal(Errno.Success, e);
        int second = Table + 4096;
        _guest.SetU32(Table, (uint)(Table + 8)); // entry 0: 8 bytes over entry 1 itself
        _guest.SetU32(Table + 4, 8);
        _guest.SetU32(Table + 8, (uint)second); // entry 1: 8 bytes at 'second'
        _guest.SetU32(Table + 12, 8);
        Assert.Equal(Errno.Success, _guest.Call("fd_read", fd, Table, 2, Guest.Out));
        Assert.Equal(16u, _guest.U32(Guest.Out));
        Assert.Equal("01234567", _guest.Text(Table + 8, 8));
        Assert.Equal("89abcdef", _guest.Text(second, 8));
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
