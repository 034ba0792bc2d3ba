using Tessera.Kernel.Devices;
using Tessera.Kernel.Mailboxes;
using Tessera.Kernel.Time;
using Tessera.Wasi;
using Tessera.Wasm.Runtime;

namespace Tessera.Kernel.Tasks;

/// <summary>
/// A task: a call of one export in a fresh instance of a module (or of a function in the instance of
/// the task that spawned it), run by the scheduler a slice at a time, parked as data (its suspended
/// frames and its memory) while it waits.
/// </summary>
/// <remarks>
/// <para><see cref="State"/> moves only by compare-and-swap, so a wake racing with the task parking
/// is never lost:</para>
/// <list type="bullet">
/// <item>Runnable → Running: the worker that dequeued it (a second copy in a queue finds it not
/// Runnable and drops it).</item>
/// <item>Running → Parked: the worker, after the call suspended. A wake while Running sets
/// RunningNotified instead, that swap fails, and the worker queues the task again.</item>
/// <item>Parked → Runnable: whoever wakes it (a message, a timer, a kill), who then queues it.</item>
/// <item>any → Exited: <see cref="Kernel"/>'s exit path, once, under the task's lock.</item>
/// </list>
/// <para>Fields other than <see cref="State"/>, the kill request and the timer flag are touched only
/// by the worker running the task; links, monitors and the exit reason under the task's lock.</para>
/// </remarks>
internal sealed class KernelTask
{
    public const int Runnable = 0, Running = 1, RunningNotified = 2, Parked = 3, Exited = 4;

    public KernelTask(TaskId id, Module module, TaskEntry entry, Value[] arguments, int mailboxCapacity, WasiContext? wasi, ResourceQuota? quota = null)
    {
        Id = id;
        Wasi = wasi;
        Quota = quota;
        Module = module;
        Entry = entry;
        Arguments = arguments;
        Mailbox = new Mailbox(mailboxCapacity);
    }

    public int State;
    public TaskId Id { get; }
    public Module Module { get; }
    public TaskEntry Entry { get; }
    public Value[] Arguments { get; private set; }
    public Mailbox Mailbox { get; }

    /// <summary>The task's store and instance, made on its first slice (a task spawned into
    /// another's instance has them from the start).</summary>
    public Store<KernelTask>? Store;
    public Instance? Instance;
    public SuspendableCall? Call;

    /// <summary>Set when the task's instance is shared with other tasks (<c>spawn_local</c>): they
    /// take turns in it. Null for a task alone in its instance, which is most.</summary>
    public SharedInstance? Shared;
    /// <summary>The interrupt lines this task may wait on (<c>tessera_device.wait</c>'s numbering).</summary>
    public InterruptLine[] Devices = [];

    public volatile bool KillRequested;
    public string? KillDetail;

    /// <summary>Set by the yield import: requeue after this slice instead of parking.</summary>
    public bool Yielding;

    /// <summary>The task's one timer (sleep, a receive's timeout), made on first use.</summary>
    public TimerEntry? Timer;
    public bool TimerArmed;
    public volatile bool TimerFired;

    public string? Name;

    /// <summary>The program the task belongs to: the WASI context its WASI calls use, shared with
    /// the tasks it spawns (as threads share a process's descriptors). Null: no WASI.</summary>
    public WasiContext? Wasi { get; }

    /// <summary>The memory and table budget the task shares with the rest of its program (the
    /// tasks it spawns inherit it); null for the kernel's per-task limits alone.</summary>
    public ResourceQuota? Quota { get; }

    /// <summary>What a WASI call that parked had done (<see cref="Tessera.Wasi.Poll.WaitProgress.Done"/>).</summary>
    public long WaitDone;

    /// <summary>The descriptors the IO reactor lists this task on; read and written only under the
    /// reactor's lock (<see cref="Reactor.IoReactor"/>), so a wait that ends any way but the
    /// reactor's wake, or a task that ends, leaves no entry behind.</summary>
    public List<int>? Watched;

    // Under lock (this).
    public List<TaskId>? Links;
    public List<TaskId>? Monitors;
    public TaskCompletionSource<ExitReason>? Completion;
    public ExitReason? Exit;

    /// <summary>Drops what a dead task held, so it is garbage at once, and gives its memory back to
    /// the pool now rather than when a finalizer runs. Called only by the worker that ran the task's
    /// last slice, so none of the task's code is running: nothing can touch the freed memory.</summary>
    public void Release()
    {
        // A shared instance's store lives until its last task ends.
        if (Shared is not { } shared || shared.Leave()) Store?.Dispose();
        Store = null;
        Instance = null;
        Call = null;
        Arguments = [];
    }
}

/// <summary>The function a task calls: an export by name (the host's spawn), or a slot of the
/// exported function table (a guest's spawn: in C a function pointer is such a slot).</summary>
internal readonly record struct TaskEntry(string? Export, int TableSlot)
{
    /// <summary>The export under which C toolchains (wasm-ld --export-table) export table 0.</summary>
    public const string TableExport = "__indirect_function_table";

    public override string ToString() => Export is { } name ? $"\"{name}\"" : $"{TableExport}[{TableSlot}]";
}
