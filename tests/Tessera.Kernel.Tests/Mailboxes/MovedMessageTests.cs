using Tessera.Kernel.Tasks;
using Tessera.Kernel.Tests.Tasks;
using Tessera.Wasm.Runtime;
using static Tessera.Kernel.Tests.Tasks.GuestModules;

namespace Tessera.Kernel.Tests.Mailboxes;

/// <summary>
/// <c>send_move</c>: a message whose whole pages change memories instead of being copied. A child
/// fills [from, from + length) with byte i = (i * 7 + 3) mod 256, moves it to its parent and
/// reports the send's result and how many bytes of the range are not zero afterwards; the parent,
/// told to go by the host, receives into [to, to + capacity) and reports the length, the bytes
/// that differ from the pattern, and the bytes on either side of what it received (0xEE before the
/// receive). Expected values are that pattern and the ABI's rules (docs/abi.md), by hand.
/// The count of detached page ranges is the process's, so the class runs alone.
/// </summary>
[Collection(ProcessWideMeasurements.Name)]
public sealed class MovedMessageTests : IDisposable
{
    private const int WasmPage = 65536;
    /// <summary>Units of 64 KiB, not the default 2 MiB: small memories show every case.</summary>
    private readonly Kernel _kernel = new(new KernelOptions { Workers = 2, MoveUnit = WasmPage });
    private readonly GuestReports _reports;

    public MovedMessageTests() => _reports = new GuestReports(_kernel);

    public void Dispose()
    {
        _kernel.Dispose();
        _defaultKernel?.Dispose();
    }

    private Kernel? _defaultKernel;

    private long NextReport() => _reports.Next();

    private static void Join(TaskHandle task) => GuestReports.Join(task);

    /// <summary>The guest: memory of <paramref name="pages"/> pages; the child sends to
    /// <paramref name="sendTo"/> (the parent, or a task id that does not exist).</summary>
    private static string Guest(int from, int length, int to, int capacity, string sendTo = "(local.get $parent)", int pages = 80) => $$"""
        (module {{Imports}}
          (import "tessera_task" "send_move" (func $send_move (param i64 i32 i32 i32) (result i32)))
          (memory {{pages}})
          (table (export "__indirect_function_table") 1 funcref)
          (elem (i32.const 0) func $child)
          (func $fill (param $at i32) (param $n i32) (local $i i32)
            (block $done (loop $next
              (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
              (i32.store8 (i32.add (local.get $at) (local.get $i)) (i32.add (i32.mul (local.get $i) (i32.const 7)) (i32.const 3)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $next))))
          (func $differing (param $at i32) (param $n i32) (result i64) (local $i i32) (local $bad i64)
            (block $done (loop $next
              (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
              (if (i32.ne (i32.load8_u (i32.add (local.get $at) (local.get $i)))
                          (i32.and (i32.add (i32.mul (local.get $i) (i32.const 7)) (i32.const 3)) (i32.const 255)))
                (then (local.set $bad (i64.add (local.get $bad) (i64.const 1)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $next)))
            (local.get $bad))
          (func $nonzero (param $at i32) (param $n i32) (result i64) (local $i i32) (local $count i64)
            (block $done (loop $next
              (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
              (if (i32.load8_u (i32.add (local.get $at) (local.get $i)))
                (then (local.set $count (i64.add (local.get $count) (i64.const 1)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $next)))
            (local.get $count))
          (func $child (param $parent i64)
            (call $fill (i32.const {{from}}) (i32.const {{length}}))
            (call $report (i64.extend_i32_s (call $send_move {{sendTo}} (i32.const 1) (i32.const {{from}}) (i32.const {{length}}))))
            (call $report (call $nonzero (i32.const {{from}}) (i32.const {{length}})))
            (call $report (call $differing (i32.const {{from}}) (i32.const {{length}}))))
          (func (export "parent") (local $n i32) (local $got i32)
            (i32.store8 (i32.const {{to - 1}}) (i32.const 0xEE))
            (memory.fill (i32.const {{to}}) (i32.const 0xEE) (i32.const {{capacity + 1}}))
            (drop (call $spawn (i32.const 0) (call $self)))
            (drop (call $receive_value (i32.const 2) (i64.const -1)))
            (local.set $n (call $receive (i32.const 1) (i32.const {{to}}) (i32.const {{capacity}}) (i64.const -1) (i32.const 0)))
            (local.set $got (select (local.get $n) (i32.const {{capacity}}) (i32.lt_u (local.get $n) (i32.const {{capacity}}))))
            (call $report (i64.extend_i32_s (local.get $n)))
            (call $report (call $differing (i32.const {{to}}) (local.get $got)))
            (call $report (i64.load8_u (i32.const {{to - 1}})))
            (call $report (i64.load8_u (i32.add (i32.const {{to}}) (local.get $got)))))
          (func (export "quitter")
            (drop (call $spawn (i32.const 0) (call $self)))
            (drop (call $receive_value (i32.const 2) (i64.const -1)))))
        """;

    public static TheoryData<int, int, int, int, bool> Cases() => new()
    {
        // Page-aligned at both ends: the pages are placed as they are.
        { WasmPage, 4 * WasmPage, 20 * WasmPage, 4 * WasmPage, true },
        // Neither end aligned, the receiver's buffer lined up the same way: head and tail copied.
        { WasmPage + 100, 4 * WasmPage + 50, 20 * WasmPage + 100, 4 * WasmPage + 50, true },
        // The receiver's buffer does not line up with the units: copied out of the pages.
        { WasmPage, 4 * WasmPage, 20 * WasmPage + 8, 4 * WasmPage, true },
        // Lined up with host pages but not with units: copied as well (attaching would be slower).
        { WasmPage, 4 * WasmPage, 20 * WasmPage + 4096, 4 * WasmPage, true },
        // A buffer smaller than the message: its first bytes, copied, and the rest dropped.
        { WasmPage, 4 * WasmPage, 20 * WasmPage, 1000, true },
        // Less than a unit (64 KiB here): copied, the range still zeroed.
        { WasmPage, 32 * 1024, 20 * WasmPage, 32 * 1024, false },
        // A unit long but holding no aligned unit: copied.
        { WasmPage + 2048, WasmPage, 20 * WasmPage, WasmPage, false },
    };

    [Theory, MemberData(nameof(Cases))]
    public void A_moved_message_arrives_whole_and_leaves_zero_behind(int from, int length, int to, int capacity, bool moved) =>
        MoveAndCheck(_kernel, Guest(from, length, to, capacity), length, moved);

    [Fact]
    public void By_default_messages_move_in_large_pages()
    {
        // 5 MiB from 1 MiB: the 2 MiB unit at 2 MiB moves, 1 MiB before it and 2 MiB after are copied.
        const int MiB = 1 << 20;
        _defaultKernel = new Kernel(new KernelOptions { Workers = 2 });
        // Its guests report to the same place as the other kernel's.
        _reports.Listen(_defaultKernel);
        // 512 entries of 8 bytes in a 4 KiB page-table page: 2 MiB.
        if (Environment.SystemPageSize == 4096) Assert.Equal(2 * MiB, (int)Tessera.Platform.Memory.VirtualMemory.LargePageSize);
        MoveAndCheck(_defaultKernel, Guest(MiB, 5 * MiB, 8 * MiB + MiB, 5 * MiB, pages: 240), 5 * MiB, moved: true);
    }

    [Fact]
    public void Guard_page_memories_move_their_pages_as_well()
    {
        // Memories in 6 GiB guard slots (docs/memory.md): the same 5 MiB message, the same checks;
        // an access past a moved-away range still faults into the trap, never into another memory.
        const int MiB = 1 << 20;
        _defaultKernel = new Kernel(new KernelOptions { Workers = 2, Engine = new EngineOptions { BoundsChecks = BoundsChecks.GuardPages } });
        // The fault handler is built where a C compiler is (scripts/install-deps.sh installs one).
        Assert.Equal(BoundsChecks.GuardPages, _defaultKernel.Engine.BoundsChecks);
        _reports.Listen(_defaultKernel);
        MoveAndCheck(_defaultKernel, Guest(MiB, 5 * MiB, 8 * MiB + MiB, 5 * MiB, pages: 240), 5 * MiB, moved: true);
    }

    private void MoveAndCheck(Kernel kernel, string guest, int length, bool moved)
    {
        int live = DetachedPages.Live;
        var parent = kernel.Spawn(kernel.Load(guest), "parent");
        Assert.Equal(0, NextReport());
        Assert.Equal(0, NextReport());
        // All zero now, so as many bytes differ from the pattern as are not zero in it: i * 7 + 3
        // is 0 mod 256 exactly when i = 219 mod 256 (7 * 73 = 511 = -1 mod 256, so 7^-1 = -73).
        long zeroInPattern = (length + 256 - 1 - 219) / 256;
        Assert.Equal(length - zeroInPattern, NextReport());
        bool pagesMove = OperatingSystem.IsLinux() && moved;
        Assert.Equal(live + (pagesMove ? 1 : 0), DetachedPages.Live);

        kernel.Send(parent.Id, 2, new byte[8]);
        Assert.Equal(length, NextReport());
        Assert.Equal(0, NextReport());
        Assert.Equal(0xEE, NextReport());
        Assert.Equal(0xEE, NextReport());
        Join(parent);
        Assert.Equal(live, DetachedPages.Live);
    }

    [Fact]
    public void A_refused_move_leaves_the_range_as_it_was()
    {
        int live = DetachedPages.Live;
        var parent = _kernel.Spawn(_kernel.Load(Guest(WasmPage, 4 * WasmPage, 20 * WasmPage, 4 * WasmPage, sendTo: "(i64.const 999999999)")), "quitter");
        Assert.Equal(TaskImports.NoSuchTask, NextReport());
        long zeroInPattern = (4 * WasmPage + 256 - 1 - 219) / 256;
        Assert.Equal(4 * WasmPage - zeroInPattern, NextReport());
        Assert.Equal(0, NextReport());
        Assert.Equal(live, DetachedPages.Live);
        _kernel.Send(parent.Id, 2, new byte[8]);
        Join(parent);
    }

    [Fact]
    public void Pages_waiting_in_the_mailbox_of_a_task_that_ends_are_freed()
    {
        int live = DetachedPages.Live;
        var parent = _kernel.Spawn(_kernel.Load(Guest(WasmPage, 4 * WasmPage, 20 * WasmPage, 4 * WasmPage)), "quitter");
        for (int i = 0; i < 3; i++) NextReport();
        Assert.Equal(live + (OperatingSystem.IsLinux() ? 1 : 0), DetachedPages.Live);
        _kernel.Send(parent.Id, 2, new byte[8]);
        Join(parent);
        Assert.Equal(live, DetachedPages.Live);
    }
}
