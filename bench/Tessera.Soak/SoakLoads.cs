using Tessera.Kernel;
using Tessera.Kernel.Tasks;
using Tessera.Wasm.Runtime;

namespace Tessera.Soak;

/// <summary>
/// One kind of work the soak runs again and again: how to start one instance of it and what its
/// task must end with (null when it ended right, else what went wrong). A new kind of load is one
/// more entry in <see cref="SoakLoads.All"/>.
/// </summary>
internal sealed record SoakLoad(string Name, int Weight, Func<SoakRun, long, TaskHandle> Start, Func<ExitReason, long, string?> Check)
{
    /// <summary>Loads whose tasks never end by themselves: the driver kills them after a while.</summary>
    public bool KilledByDriver { get; init; }
}

/// <summary>The guest module every soak task runs, and the loads built on it.</summary>
internal static class SoakLoads
{
    /// <summary>Messages each exchange sends its echo (and gets back).</summary>
    public const int ExchangeMessages = 8;

    /// <summary>Bytes each writer hands the host to append to the soak's file: 8 copies of its number.</summary>
    public const int RecordBytes = 64;

    /// <summary>Bytes each TCP client sends a <c>tcp_echo</c> task and must get back.</summary>
    public const int SocketBytes = 64;

    /// <summary>The multiplier of a message's checksum: seq * K + k (and + 1 in the echo's reply).</summary>
    public const long ChecksumFactor = 0x5851F42D4C957F2D;

    /// <summary>
    /// The tasks' module. <c>exchange(k, n)</c> spawns an echo, sends it n messages of 24 bytes
    /// (seq, k, seq * K + k), checks each reply (the same with the checksum + 1), then a stop
    /// message; both sides report through <c>env.tally(sent, received, bad)</c>. Every message is
    /// counted once where it is sent and once where it is received, so the run's sums must agree.
    /// </summary>
    public const string Module = """
        (module
          (import "tessera_task" "self" (func $self (result i64)))
          (import "tessera_task" "spawn" (func $spawn (param i32 i64) (result i64)))
          (import "tessera_task" "send" (func $send (param i64 i32 i32 i32) (result i32)))
          (import "tessera_task" "receive" (func $receive (param i32 i32 i32 i64 i32) (result i32)))
          (import "tessera_task" "sleep" (func $sleep (param i64)))
          (import "env" "tally" (func $tally (param i64 i64 i64)))
          (import "env" "write" (func $write (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "sock_recv" (func $recv (param i32 i32 i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "sock_send" (func $sendsock (param i32 i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
          (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_write" (func $fdwrite (param i32 i32 i32 i32) (result i32)))
          (memory 1)
          (data (i32.const 512) "soak-wasi.bin")
          (table (export "__indirect_function_table") 1 funcref)
          (elem (i32.const 0) $echo)
          (func $check (param $seq i64) (param $k i64) (result i64)
            (i64.add (i64.mul (local.get $seq) (i64.const 0x5851F42D4C957F2D)) (local.get $k)))
          (func $message (param $seq i64) (param $k i64)
            (i64.store (i32.const 0) (local.get $seq))
            (i64.store (i32.const 8) (local.get $k))
            (i64.store (i32.const 16) (call $check (local.get $seq) (local.get $k))))
          (func (export "exchange") (param $k i64) (param $n i64) (result i64)
            (local $echo i64) (local $seq i64) (local $sent i64) (local $received i64) (local $bad i64)
            (local.set $echo (call $spawn (i32.const 0) (call $self)))
            (block $done
              (loop $next
                (br_if $done (i64.ge_u (local.get $seq) (local.get $n)))
                (call $message (local.get $seq) (local.get $k))
                (if (i32.eqz (call $send (local.get $echo) (i32.const 1) (i32.const 0) (i32.const 24)))
                  (then (local.set $sent (i64.add (local.get $sent) (i64.const 1)))))
                (if (i32.eq (call $receive (i32.const 2) (i32.const 32) (i32.const 24) (i64.const 10000) (i32.const 0)) (i32.const 24))
                  (then
                    (local.set $received (i64.add (local.get $received) (i64.const 1)))
                    (if (i32.or (i64.ne (i64.load (i32.const 32)) (local.get $seq))
                                (i64.ne (i64.load (i32.const 48)) (i64.add (call $check (local.get $seq) (local.get $k)) (i64.const 1))))
                      (then (local.set $bad (i64.add (local.get $bad) (i64.const 1)))))))
                (local.set $seq (i64.add (local.get $seq) (i64.const 1)))
                (br $next)))
            (call $message (i64.const -1) (local.get $k))
            (if (i32.eqz (call $send (local.get $echo) (i32.const 1) (i32.const 0) (i32.const 24)))
              (then (local.set $sent (i64.add (local.get $sent) (i64.const 1)))))
            (call $tally (local.get $sent) (local.get $received) (local.get $bad))
            (local.get $received))
          (func $echo (param $peer i64) (local $sent i64) (local $received i64) (local $bad i64)
            (block $stop
              (loop $next
                (br_if $stop (i32.ne (call $receive (i32.const 1) (i32.const 32) (i32.const 24) (i64.const 10000) (i32.const 0)) (i32.const 24)))
                (local.set $received (i64.add (local.get $received) (i64.const 1)))
                (br_if $stop (i64.eq (i64.load (i32.const 32)) (i64.const -1)))
                (if (i64.ne (i64.load (i32.const 48)) (call $check (i64.load (i32.const 32)) (i64.load (i32.const 40))))
                  (then (local.set $bad (i64.add (local.get $bad) (i64.const 1)))))
                (i64.store (i32.const 48) (i64.add (i64.load (i32.const 48)) (i64.const 1)))
                (if (i32.eqz (call $send (local.get $peer) (i32.const 2) (i32.const 32) (i32.const 24)))
                  (then (local.set $sent (i64.add (local.get $sent) (i64.const 1)))))
                (br $next)))
            (call $tally (local.get $sent) (local.get $received) (local.get $bad)))
          (func (export "listener") (param $k i64) (result i64)
            (local $bad i64)
            (if (i32.ne (call $receive (i32.const 0) (i32.const 32) (i32.const 24) (i64.const 10000) (i32.const 0)) (i32.const 24))
              (then (call $tally (i64.const 0) (i64.const 0) (i64.const 0)) (return (i64.const -1))))
            (if (i64.ne (i64.load (i32.const 48)) (call $check (i64.load (i32.const 32)) (i64.load (i32.const 40))))
              (then (local.set $bad (i64.const 1))))
            (call $tally (i64.const 0) (i64.const 1) (local.get $bad))
            (i64.load (i32.const 40)))
          (func (export "writer") (param $k i64) (result i32) (local $at i32)
            (loop $fill
              (i64.store offset=64 (local.get $at) (local.get $k))
              (local.set $at (i32.add (local.get $at) (i32.const 8)))
              (br_if $fill (i32.lt_u (local.get $at) (i32.const 64))))
            (call $write (i32.const 64) (i32.const 64)))
          (func (export "wasi_writer") (param $k i64) (result i32) (local $fd i32) (local $at i32)
            (loop $fill
              (i64.store offset=400 (local.get $at) (local.get $k))
              (local.set $at (i32.add (local.get $at) (i32.const 8)))
              (br_if $fill (i32.lt_u (local.get $at) (i32.const 64))))
            (if (call $open (i32.const 3) (i32.const 0) (i32.const 512) (i32.const 13) (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 1) (i32.const 470))
              (then (return (i32.const -1))))
            (local.set $fd (i32.load (i32.const 470)))
            (i32.store (i32.const 480) (i32.const 400))
            (i32.store (i32.const 484) (i32.const 64))
            (if (call $fdwrite (local.get $fd) (i32.const 480) (i32.const 1) (i32.const 488))
              (then (drop (call $close (local.get $fd))) (return (i32.const -2))))
            (drop (call $close (local.get $fd)))
            (i32.load (i32.const 488)))
          (func (export "trapper") (param $k i64) (result i64)
            (call $sleep (i64.const 1))
            (i64.div_s (local.get $k) (i64.const 0)))
          (func (export "waiter") (result i32)
            (call $receive (i32.const -1) (i32.const 32) (i32.const 24) (i64.const 5) (i32.const 0)))
          (func (export "sleeper") (call $sleep (i64.const 600000)))
          (func (export "tcp_echo") (param $k i64) (result i64) (local $fd i32) (local $n i32)
            (if (call $accept (i32.const 4) (i32.const 0) (i32.const 200)) (then (return (i64.const -1))))
            (local.set $fd (i32.load (i32.const 200)))
            (i32.store (i32.const 208) (i32.const 256))
            (i32.store (i32.const 212) (i32.const 64))
            (if (call $recv (local.get $fd) (i32.const 208) (i32.const 1) (i32.const 2) (i32.const 216) (i32.const 220))
              (then (drop (call $close (local.get $fd))) (return (i64.const -2))))
            (local.set $n (i32.load (i32.const 216)))
            (i32.store (i32.const 212) (local.get $n))
            (if (call $sendsock (local.get $fd) (i32.const 208) (i32.const 1) (i32.const 0) (i32.const 224))
              (then (drop (call $close (local.get $fd))) (return (i64.const -3))))
            (drop (call $close (local.get $fd)))
            (i64.extend_i32_u (local.get $n)))
          (func (export "spinner") (loop $forever (br $forever))))
        """;

    private static string? Expect(bool ok, ExitReason reason, string what) => ok ? null : $"expected {what}, got {reason}";

    private static long Result(ExitReason reason) => reason.Results.Count == 1 ? (long)reason.Results[0].Bits : long.MinValue;

    /// <summary>The loads and how often each is started (weights out of their sum).</summary>
    public static readonly IReadOnlyList<SoakLoad> All =
    [
        new("exchange", 8, (run, k) => run.Kernel.Spawn(run.Module, "exchange", Value.I64(k), Value.I64(ExchangeMessages)),
            (r, k) => Expect(r.Kind == ExitKind.Normal && Result(r) == ExchangeMessages, r, $"{ExchangeMessages} replies")),
        new("listener", 4, (run, k) => run.SendTo(run.Kernel.Spawn(run.Module, "listener", Value.I64(k)), k),
            (r, k) => Expect(r.Kind == ExitKind.Normal && Result(r) == k, r, $"the host's message for {k}")),
        new("writer", 3, (run, k) => run.Kernel.Spawn(run.Module, "writer", Value.I64(k)),
            (r, k) => Expect(r.Kind == ExitKind.Normal && (int)Result(r) == RecordBytes, r, $"{RecordBytes} bytes written")),
        new("trapper", 1, (run, k) => run.Kernel.Spawn(run.Module, "trapper", Value.I64(k)),
            (r, k) => Expect(r.Kind == ExitKind.Trapped && r.Trap == TrapKind.IntegerDivideByZero, r, "a divide-by-zero trap")),
        new("waiter", 2, (run, k) => run.Kernel.Spawn(run.Module, "waiter"),
            (r, k) => Expect(r.Kind == ExitKind.Normal && (int)Result(r) == -1, r, "a receive timeout (-1)")),
        new("wasi_writer", 2, (run, k) => run.Kernel.Spawn(run.Module, "wasi_writer", run.Wasi, Value.I64(k)),
            (r, k) => Expect(r.Kind == ExitKind.Normal && (int)Result(r) == RecordBytes, r, $"{RecordBytes} bytes written through WASI")),
        new("tcp", 2, (run, k) => run.StartEcho(k),
            (r, k) => Expect(r.Kind == ExitKind.Normal && Result(r) == SocketBytes, r, $"{SocketBytes} bytes echoed over TCP")),
        new("sleeper", 1, (run, k) => run.Kernel.Spawn(run.Module, "sleeper"),
            (r, k) => Expect(r.Kind == ExitKind.Killed, r, "killed while parked")) { KilledByDriver = true },
        new("spinner", 1, (run, k) => run.Kernel.Spawn(run.Module, "spinner"),
            (r, k) => Expect(r.Kind == ExitKind.Killed, r, "killed while running")) { KilledByDriver = true },
    ];
}
