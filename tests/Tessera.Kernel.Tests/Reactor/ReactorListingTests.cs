using Tessera.Kernel.Tasks;
using Tessera.Kernel.Tests.Tasks;
using Tessera.Platform.Sockets;
using Tessera.Wasi;

namespace Tessera.Kernel.Tests.Reactor;

/// <summary>
/// A wait that ends any way but the reactor's wake leaves nothing listed on the reactor: tasks that
/// poll a quiet listening socket with a timeout, time out and end must not stay listed (and alive)
/// until somebody connects.
/// </summary>
public sealed class ReactorListingTests : IDisposable
{
    /// <summary>Virtual time: the 1 ms timeouts come when every task has parked, not when a
    /// loaded machine gets round to them.</summary>
    private readonly VirtualKernel _virtual = new();

    public void Dispose() => _virtual.Dispose();

    /// <summary>poll_oneoff on two subscriptions (layouts from the witx: subscription 48 bytes,
    /// userdata 0, tag 8, then clock id 16 and timeout 24, or the descriptor 16; event 32 bytes,
    /// userdata 0, error 8, type 10): a relative monotonic clock of 1 ms (userdata 7) and fd_read on
    /// descriptor 3, the listening socket. Returns the userdata of the first event.</summary>
    private const string TimeOut = """
        (module
          (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
          (memory 1)
          (func (export "wait") (result i64)
            (i64.store (i32.const 0) (i64.const 7))
            (i32.store8 (i32.const 8) (i32.const 0))
            (i32.store (i32.const 16) (i32.const 1))
            (i64.store (i32.const 24) (i64.const 1000000))
            (i64.store (i32.const 48) (i64.const 5))
            (i32.store8 (i32.const 56) (i32.const 1))
            (i32.store (i32.const 64) (i32.const 3))
            (if (call $poll (i32.const 0) (i32.const 200) (i32.const 2) (i32.const 300)) (then unreachable))
            (if (i32.ne (i32.load (i32.const 300)) (i32.const 1)) (then unreachable))
            (i64.load (i32.const 200))))
        """;

    [Fact]
    public void TasksThatTimedOutOnAQuietSocketAreNotListed()
    {
        using var listener = TcpListen.Open("127.0.0.1:0", backlog: 16);
        var config = new WasiConfiguration();
        config.ListeningSockets.Add(listener);
        using var wasi = new WasiContext(config);
        var kernel = _virtual.Kernel;
        var module = kernel.Load(TimeOut);
        var handles = Enumerable.Range(0, 200).Select(_ => kernel.Spawn(module, "wait", wasi)).ToArray();
        _virtual.RunUntil(() => handles.All(h => h.Exited.IsCompleted));
        var ends = handles.Select(_virtual.Run).ToArray();
        // Every one saw its clock (userdata 7), not the socket: nobody connected.
        Assert.All(ends, end => Assert.Equal(ExitKind.Normal, end.Kind));
        Assert.All(ends, end => Assert.Equal(7L, end.Results[0].AsI64()));
        // Before a resumed wait and an ended task left the reactor's lists, 197 of 200 stayed listed.
        Assert.Equal(0, kernel.Reactor.Waiting);
        Assert.Equal(1, _virtual.Milliseconds);
    }
}
