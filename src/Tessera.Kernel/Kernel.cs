using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Tessera.Kernel.Devices;
using Tessera.Kernel.Mailboxes;
using Tessera.Platform.Memory;
using Tessera.Kernel.Reactor;
using Tessera.Kernel.Scheduling;
using Tessera.Kernel.Tasks;
using Tessera.Kernel.Time;
using Tessera.Platform.Clocks;
using Tessera.Wasi;
using Tessera.Wasi.Process;
using Tessera.Wasm;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Kernel;

/// <summary>
/// Tessera's task kernel: tasks (an export of a module called in a fresh instance) on a multi-core
/// scheduler, mailboxes, timers, links, monitors and names. Modules that run as tasks are compiled
/// with <see cref="Engine"/>, which knows the task imports that suspend (docs/tasks.md).
/// </summary>
public sealed class Kernel : IDisposable
{
    private readonly ConcurrentDictionary<long, KernelTask> _tasks = new();
    private readonly ConcurrentDictionary<string, TaskId> _names = new(StringComparer.Ordinal);
    private readonly Scheduler _scheduler;
    private readonly IoReactor _reactor;
    private readonly ConditionalWeakTable<Module, InstancePre> _prepared = new();
    private readonly ConditionalWeakTable<Module, InstancePre>.CreateValueCallback _prepare;

    /// <summary>The IO reactor, for tests that count its waiters.</summary>
    internal IoReactor Reactor => _reactor;
    private readonly Thread? _timerThread;
    /// <summary>The clock of a deterministic kernel, which it moves itself; null otherwise.</summary>
    private readonly ManualClock? _virtualClock;
    private volatile bool _disposed;
    private long _nextId;

    public Kernel(KernelOptions? options = null)
    {
        Options = options ?? new KernelOptions();
        Engine = new Engine(WasmFeatures.Wasm2, (Options.Engine ?? new EngineOptions()) with { SuspendingImports = SuspendingImports, Interruptible = true, Preemptible = true, Fuel = Options.FuelPerSlice is not null });
        if (Options.FuelPerSlice is <= 0) throw new ArgumentOutOfRangeException(nameof(options), "FuelPerSlice must be positive");
        if (Options.MoveUnit <= 0 || Options.MoveUnit % (int)VirtualMemory.PageSize != 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"MoveUnit must be a positive multiple of the host page ({VirtualMemory.PageSize} bytes)");
        if (Options.Deterministic)
        {
            _virtualClock = Options.Clock switch
            {
                null => new ManualClock(),
                ManualClock manual => manual,
                _ => throw new ArgumentException("a deterministic kernel runs on virtual time: its Clock must be a ManualClock or none", nameof(options)),
            };
        }
        Clock = _virtualClock ?? Options.Clock ?? HostMonotonicClock.Instance;
        Timers = new TimerService(Clock);
        _reactor = new IoReactor(Wake);
        Linker = new Linker();
        TaskImports.Define(Linker, this);
        DeviceImports.Define(Linker, this, _reactor);
        WasiModule.Define(Linker, ProgramOf, new TaskWaiter(this, _reactor));
        _prepare = Linker.InstantiatePre;
        _scheduler = new Scheduler(Options.Workers, RunSlice, threaded: !Options.Deterministic);
        if (Options.TimerThread && !Options.Deterministic)
        {
            _timerThread = new Thread(TimerLoop) { IsBackground = true, Name = "tessera timers" };
            _timerThread.Start();
        }
    }

    public KernelOptions Options { get; }

    /// <summary>The import module of the task API (docs/abi.md).</summary>
    public const string TaskModule = TaskImports.ModuleName;

    /// <summary>The imports that can park a task: the task API's receives, sleep and yield, and
    /// the WASI calls that wait for a descriptor or a clock.</summary>
    private static readonly HashSet<(string Module, string Name)> SuspendingImports =
        [.. TaskImports.Suspending, .. DeviceImports.Suspending, .. WasiModule.WaitingFunctions.Select(name => (WasiModule.Name, name))];

    /// <summary>The WASI context of the program a calling task belongs to.</summary>
    private static WasiContext ProgramOf(Caller caller) =>
        (caller.Store as Store<KernelTask>)?.Data.Wasi ?? throw new WasmTrap(TrapKind.HostError, "a WASI call from a task spawned without a WASI context");

    /// <summary>The engine task modules must be compiled with.</summary>
    public Engine Engine { get; }

    /// <summary>What task instances import: the task API (<c>tessera_task</c>) and anything the
    /// embedder defines before spawning.</summary>
    public Linker Linker { get; }

    internal TimerService Timers { get; }

    /// <summary>The clock every deadline of the kernel is read on (<see cref="KernelOptions.Clock"/>);
    /// virtual time in a deterministic kernel.</summary>
    public IMonotonicClock Clock { get; }

    /// <summary>Tasks not yet ended.</summary>
    public int LiveTasks => _tasks.Count;

    /// <summary>Tasks parked (suspended, waiting for a message, a timer or a wake-up).</summary>
    public int ParkedTasks => _tasks.Values.Count(t => Volatile.Read(ref t.State) == KernelTask.Parked);

    /// <summary>The scheduler's worker threads.</summary>
    public IEnumerable<Thread> WorkerThreads => _scheduler.Threads;

    /// <summary>Compiles a module for tasks (binary or text).</summary>
    public Module Load(ReadOnlyMemory<byte> wasm) => Module.FromBytes(Engine, wasm);

    /// <inheritdoc cref="Load(ReadOnlyMemory{byte})"/>
    public Module Load(string wat) => Module.FromText(Engine, wat);

    /// <summary>Starts a task calling <paramref name="export"/> of a fresh instance of
    /// <paramref name="module"/> with <paramref name="arguments"/>. Its instance is made on its
    /// first slice; a missing export or a link error ends it with <see cref="ExitKind.BadEntry"/>.</summary>
    public TaskHandle Spawn(Module module, string export, params Value[] arguments) => Spawn(module, export, (WasiContext?)null, arguments);

    /// <summary>Starts a task as <see cref="Spawn(Module, string, Value[])"/> does, as the first task of
    /// a program whose WASI calls use <paramref name="wasi"/>; the tasks it spawns share it (its
    /// descriptors, arguments and environment), as a process's threads do.</summary>
    public TaskHandle Spawn(Module module, string export, WasiContext? wasi, params Value[] arguments) => Spawn(module, export, wasi, null, arguments);

    /// <summary>Starts a task as <see cref="Spawn(Module, string, WasiContext?, Value[])"/> does, whose
    /// memories and tables, and those of every task it spawns, also count against
    /// <paramref name="quota"/>: a program's compartment. At the quota <c>memory.grow</c> returns
    /// -1 and a spawn that cannot get its initial memory ends with <see cref="ExitKind.HostError"/>
    /// naming the limit; other programs are not affected.</summary>
    public TaskHandle Spawn(Module module, string export, WasiContext? wasi, ResourceQuota? quota, params Value[] arguments) =>
        Spawn(module, export, new SpawnOptions { Wasi = wasi, Quota = quota }, arguments);

    /// <summary>Starts a task with what <paramref name="options"/> gives it: a WASI context, a
    /// quota, interrupt lines to wait on.</summary>
    public TaskHandle Spawn(Module module, string export, SpawnOptions options, params Value[] arguments)
    {
        ArgumentNullException.ThrowIfNull(options);
        var completion = new TaskCompletionSource<ExitReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        return new TaskHandle(SpawnTask(module, new TaskEntry(export, -1), arguments, options.Wasi, completion, options.Quota, options.Devices).Id, completion.Task);
    }

    /// <summary>Spawns; <paramref name="completion"/> is set when the task ends (guests' spawns pass
    /// none: nobody on the host waits for them).</summary>
    internal KernelTask SpawnTask(Module module, TaskEntry entry, Value[] arguments, WasiContext? wasi, TaskCompletionSource<ExitReason>? completion = null, ResourceQuota? quota = null, IReadOnlyList<InterruptLine>? devices = null)
    {
        if (module.Engine != Engine) throw new ArgumentException("the module was not compiled with this kernel's engine", nameof(module));
        ObjectDisposedException.ThrowIf(_disposed, this);
        var task = new KernelTask(new TaskId(Interlocked.Increment(ref _nextId)), module, entry, arguments, Options.MailboxCapacity, wasi, quota)
        {
            Completion = completion,
            Devices = devices is null || devices.Count == 0 ? [] : [.. devices],
        };
        _tasks[task.Id.Value] = task;
        _scheduler.Schedule(task);
        return task;
    }

    /// <summary>Spawns a task calling <paramref name="entry"/> in the instance of
    /// <paramref name="spawner"/>, the task running now on this worker (a guest's
    /// <c>spawn_local</c>): the two share memory, globals and tables and take turns in the
    /// instance. The new task belongs to the spawner's program.</summary>
    internal KernelTask SpawnLocal(KernelTask spawner, TaskEntry entry, Value[] arguments)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Only the worker running the spawner gets here, so making its instance shared is safe.
        var shared = spawner.Shared ??= new SharedInstance(spawner);
        shared.Join();
        var task = new KernelTask(new TaskId(Interlocked.Increment(ref _nextId)), spawner.Module, entry, arguments, Options.MailboxCapacity, spawner.Wasi, spawner.Quota)
        {
            Shared = shared,
            Store = shared.Store,
            Instance = shared.Instance,
            Devices = spawner.Devices,
        };
        _tasks[task.Id.Value] = task;
        _scheduler.Schedule(task);
        return task;
    }

    /// <summary>Completes when the task ends, with why; at once, with <see cref="ExitKind.Unknown"/>,
    /// for a task that is not live (the host waits on a task it spawned with <see cref="TaskHandle.Exited"/>).</summary>
    public Task<ExitReason> Join(TaskId id)
    {
        if (!_tasks.TryGetValue(id.Value, out var task)) return Task.FromResult(new ExitReason(ExitKind.Unknown, null, id + " is not live"));
        lock (task)
        {
            if (task.Exit is { } exit) return Task.FromResult(exit);
            task.Completion ??= new TaskCompletionSource<ExitReason>(TaskCreationOptions.RunContinuationsAsynchronously);
            return task.Completion.Task;
        }
    }

    /// <summary>Kills a task: running, it stops at its next function entry or loop head; parked or
    /// queued, it never runs again. False when it is not live.</summary>
    public bool Kill(TaskId id, string? detail = null)
    {
        if (!_tasks.TryGetValue(id.Value, out var task)) return false;
        task.KillDetail ??= detail;
        task.KillRequested = true;
        // In a shared instance only the task whose turn it is may be interrupted.
        if (task.Shared is { } shared) shared.Kill(task);
        else task.Instance?.Interrupt();
        Wake(task);
        return true;
    }

    /// <summary>Sends a copy of <paramref name="payload"/>; from the host the sender is task 0.</summary>
    public DeliveryResult Send(TaskId to, int tag, ReadOnlySpan<byte> payload)
    {
        var message = Message.CopyOf(new TaskId(0), tag, payload);
        var result = Send(to, message);
        if (result != DeliveryResult.Delivered) message.Release();
        return result;
    }

    internal DeliveryResult Send(TaskId to, Message message)
    {
        if (!_tasks.TryGetValue(to.Value, out var task)) return DeliveryResult.Closed;
        var result = task.Mailbox.Post(message);
        if (result == DeliveryResult.Delivered) Wake(task);
        return result;
    }

    /// <summary><paramref name="watcher"/> gets a <see cref="Message.Down"/> message when
    /// <paramref name="target"/> ends (at once if it is not live).</summary>
    public bool Monitor(TaskId watcher, TaskId target)
    {
        if (!_tasks.ContainsKey(watcher.Value)) return false;
        if (_tasks.TryGetValue(target.Value, out var task))
        {
            lock (task)
            {
                if (task.Exit is null)
                {
                    (task.Monitors ??= new()).Add(watcher);
                    return true;
                }
            }
        }
        SendDown(watcher, target, new ExitReason(ExitKind.Unknown));
        return true;
    }

    /// <summary>Links two tasks: when either ends abnormally the other is killed.</summary>
    public bool Link(TaskId a, TaskId b)
    {
        if (!_tasks.TryGetValue(a.Value, out var first)) return false;
        if (!_tasks.TryGetValue(b.Value, out var second))
        {
            Kill(a, $"linked {b} is not live");
            return false;
        }
        if (!AddLink(first, b)) return false;
        if (!AddLink(second, a)) Kill(a, $"linked {b} ended");
        return true;
    }

    private static bool AddLink(KernelTask task, TaskId partner)
    {
        lock (task)
        {
            if (task.Exit is not null) return false;
            (task.Links ??= new()).Add(partner);
            return true;
        }
    }

    /// <summary>Names a live task; false when the name is taken.</summary>
    public bool Register(string name, TaskId id)
    {
        if (!_tasks.TryGetValue(id.Value, out var task) || !_names.TryAdd(name, id)) return false;
        task.Name = name;
        if (!_tasks.ContainsKey(id.Value)) _names.TryRemove(new KeyValuePair<string, TaskId>(name, id));
        return true;
    }

    public TaskId? WhereIs(string name) => _names.TryGetValue(name, out var id) ? id : null;

    internal bool TryGet(TaskId id, out KernelTask task) => _tasks.TryGetValue(id.Value, out task!);

    /// <summary>Makes a parked task runnable; a running one runs again once it parks.</summary>
    internal void Wake(KernelTask task)
    {
        while (true)
        {
            int state = Volatile.Read(ref task.State);
            if (state == KernelTask.Parked)
            {
                if (Interlocked.CompareExchange(ref task.State, KernelTask.Runnable, KernelTask.Parked) != KernelTask.Parked) continue;
                _scheduler.Schedule(task);
                return;
            }
            if (state == KernelTask.Running)
            {
                if (Interlocked.CompareExchange(ref task.State, KernelTask.RunningNotified, KernelTask.Running) != KernelTask.Running) continue;
            }
            return;
        }
    }

    /// <summary>Arms the task's timer; when it fires the task is woken with its timer flag set.</summary>
    internal void StartTimer(KernelTask task, long milliseconds)
    {
        task.Timer ??= new TimerEntry(_ => { task.TimerFired = true; Wake(task); });
        task.TimerFired = false;
        task.TimerArmed = true;
        Timers.Start(task.Timer, milliseconds);
    }

    internal void CancelTimer(KernelTask task)
    {
        if (!task.TimerArmed) return;
        task.TimerArmed = false;
        if (task.Timer is { } timer) Timers.Cancel(timer);
    }

    /// <summary>One slice of a task on a worker: start or resume its call, then finish, requeue
    /// or park it.</summary>
    private void RunSlice(KernelTask task)
    {
        if (Interlocked.CompareExchange(ref task.State, KernelTask.Running, KernelTask.Runnable) != KernelTask.Runnable) return;
        // A task of a shared instance waits for its turn there, off the run queues.
        if (task.Shared is { } shared && !shared.TryEnter(task)) return;
        RunSliceInInstance(task);
        // Read again: the slice may have made the instance shared (spawn_local). No finally:
        // RunSliceInInstance catches everything but running out of memory, which ends the process.
        if (task.Shared?.Exit(task) is { } next) _scheduler.Schedule(next);
    }

    private void RunSliceInInstance(KernelTask task)
    {
        if (task.KillRequested)
        {
            Finish(task, new ExitReason(ExitKind.Killed, null, task.KillDetail));
            return;
        }
        bool done;
        try
        {
            task.Instance?.TakeYieldRequest();
            if (task.Call is null)
            {
                if (Prepare(task) is { } failure)
                {
                    Finish(task, failure);
                    return;
                }
                RefillFuel(task);
                done = task.Call!.Start(task.Arguments);
            }
            else
            {
                RefillFuel(task);
                done = task.Call.Resume();
            }
        }
        catch (WasmTrap trap)
        {
            Finish(task, trap.Kind == TrapKind.Interrupted && task.KillRequested
                ? new ExitReason(ExitKind.Killed, null, task.KillDetail)
                : new ExitReason(ExitKind.Trapped, trap.Kind, trap.FormatBacktrace()));
            return;
        }
        catch (WasiExit exit)
        {
            Finish(task, exit.Code == 0 && exit.Signal == 0
                ? ExitReason.Normal
                : new ExitReason(ExitKind.Exited, null, exit.Signal != 0 ? $"signal {exit.Signal}" : $"exit code {exit.Code}") { ExitCode = exit.Code });
            return;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Finish(task, new ExitReason(ExitKind.HostError, null, e.GetType().Name + ": " + e.Message));
            return;
        }
        if (done)
        {
            Finish(task, task.Call!.Results.Length == 0 ? ExitReason.Normal : ExitReason.Normal with { Results = task.Call.Results });
            return;
        }
        if (task.KillRequested)
        {
            Finish(task, new ExitReason(ExitKind.Killed, null, task.KillDetail));
            return;
        }
        // Asked to yield (its slice is over) or yielding itself: to the back of the global queue. A
        // task that parked in an import at the same moment is requeued too; its import, called
        // again, finds nothing and parks it again.
        if (task.Instance?.TakeYieldRequest() == true || task.Yielding || Options.FuelPerSlice is not null && task.Instance?.Fuel < 0)
        {
            task.Yielding = false;
            Volatile.Write(ref task.State, KernelTask.Runnable);
            _scheduler.Schedule(task, yielded: true);
            return;
        }
        if (Interlocked.CompareExchange(ref task.State, KernelTask.Parked, KernelTask.Running) != KernelTask.Running)
        {
            // Woken while running (RunningNotified): run again rather than park.
            Volatile.Write(ref task.State, KernelTask.Runnable);
            _scheduler.Schedule(task);
        }
    }

    /// <summary>A fuel slice's worth (<see cref="KernelOptions.FuelPerSlice"/>).</summary>
    private void RefillFuel(KernelTask task)
    {
        if (Options.FuelPerSlice is { } fuel && task.Instance is { } instance) instance.Fuel = fuel;
    }

    /// <summary>Instantiates the task's module in a store of its own (tasks run on different
    /// threads at once; a store is used by one thread at a time) and finds its export.</summary>
    private ExitReason? Prepare(KernelTask task)
    {
        if (task.Shared is not null && task.Instance is { } shared) return PrepareCall(task, shared);
        Instance instance;
        // A task of a program with a quota charges it on top of the per-task limits.
        task.Store = new Store<KernelTask>(Engine, task, task.Quota is null ? Options.TaskLimits : (Options.TaskLimits ?? StoreLimits.None) with { Quota = task.Quota });
        try
        {
            instance = Prepared(task.Module).Instantiate(task.Store);
        }
        catch (WasmLinkException e)
        {
            return new ExitReason(ExitKind.BadEntry, null, e.Message);
        }
        task.Instance = instance;
        if (task.KillRequested) instance.Interrupt();
        return PrepareCall(task, instance);
    }

    /// <summary>The module's imports resolved and type-checked once (<see cref="InstancePre"/>): a
    /// spawn then looks up no import by name. Kept while the module lives; a module whose imports
    /// do not resolve is not kept, so each spawn reports it.</summary>
    private InstancePre Prepared(Module module) =>
        _prepared.TryGetValue(module, out var pre) ? pre : _prepared.GetValue(module, _prepare);

    /// <summary>Finds the task's function in <paramref name="instance"/> and makes its call.</summary>
    private static ExitReason? PrepareCall(KernelTask task, Instance instance)
    {
        if (EntryFunction(instance, task.Entry) is not { } entry) return new ExitReason(ExitKind.BadEntry, null, $"no function {task.Entry}");
        if (!Accepts(entry.Type, task.Arguments))
            return new ExitReason(ExitKind.BadEntry, null, $"{task.Entry} is {entry.Type}, called with {task.Arguments.Length} arguments");
        task.Call = new SuspendableCall(entry);
        return null;
    }

    /// <summary>Whether <paramref name="arguments"/> fit the parameters of <paramref name="type"/>
    /// (a loop: this runs at every spawn, and a LINQ query allocated 200 bytes there).</summary>
    private static bool Accepts(FuncType type, Value[] arguments)
    {
        if (type.Parameters.Length != arguments.Length) return false;
        for (int i = 0; i < arguments.Length; i++)
        {
            if (type.Parameters[i] != arguments[i].Type) return false;
        }
        return true;
    }

    private static Func? EntryFunction(Instance instance, TaskEntry entry)
    {
        if (entry.Export is { } name) return instance.GetFunc(name);
        if (instance.GetTable(TaskEntry.TableExport) is not { } table || (uint)entry.TableSlot >= (uint)table.Size) return null;
        return table.Get(entry.TableSlot) as Func;
    }

    /// <summary>Ends a task once: records why, tells its monitors and links, frees what it held.</summary>
    private void Finish(KernelTask task, ExitReason reason)
    {
        List<TaskId>? links, monitors;
        TaskCompletionSource<ExitReason>? completion;
        lock (task)
        {
            if (task.Exit is not null) return;
            task.Exit = reason;
            Volatile.Write(ref task.State, KernelTask.Exited);
            (links, monitors, completion) = (task.Links, task.Monitors, task.Completion);
        }
        _tasks.TryRemove(task.Id.Value, out _);
        if (task.Name is { } name) _names.TryRemove(new KeyValuePair<string, TaskId>(name, task.Id));
        task.Mailbox.Close();
        CancelTimer(task);
        _reactor.UnwatchAll(task);
        task.Release();
        if (monitors is not null) foreach (var watcher in monitors) SendDown(watcher, task.Id, reason);
        if (links is not null && reason.IsAbnormal)
        {
            foreach (var partner in links) Kill(partner, $"linked {task.Id} ended: {reason.Kind}");
        }
        completion?.TrySetResult(reason);
    }

    private void SendDown(TaskId watcher, TaskId target, ExitReason reason)
    {
        var payload = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(payload, target.Value);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(8), (int)reason.Kind);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(12), reason.Trap is { } trap ? (int)trap : -1);
        Send(watcher, new Message(target, Message.Down, payload));
    }

    private void TimerLoop()
    {
        long slice = (long)(Options.TimeSlice.TotalSeconds * Stopwatch.Frequency);
        while (!_disposed)
        {
            Thread.Sleep(1);
            Timers.Poll();
            // Fuel slices end by themselves.
            if (Options.FuelPerSlice is null) _scheduler.PreemptOverdue(slice);
        }
    }

    /// <summary>
    /// Deterministic mode (<see cref="KernelOptions.Deterministic"/>): runs tasks on this thread
    /// until <paramref name="done"/> holds, which is looked at before every slice. When no task is
    /// runnable, virtual time jumps to the next timer deadline and the timers due then fire; with
    /// no timer pending either, the thread waits for a wake from another thread (the IO reactor,
    /// an interrupt line, the host). Returns false when <paramref name="patience"/> (wall time; 30
    /// seconds by default) passes first, so a test that would hang fails instead. Not reentrant.
    /// </summary>
    public bool RunUntil(Func<bool> done, TimeSpan? patience = null)
    {
        ArgumentNullException.ThrowIfNull(done);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var clock = _virtualClock ?? throw new InvalidOperationException("RunUntil runs a deterministic kernel (KernelOptions.Deterministic)");
        return _scheduler.RunHere(done, () => Timers.AdvanceToNextTimer(clock), patience ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>Deterministic mode: moves virtual time forward by <paramref name="by"/> and fires the
    /// timers due by then, in deadline order. The tasks they wake run at the next
    /// <see cref="RunUntil"/>; no task runs here.</summary>
    public void Advance(TimeSpan by)
    {
        var clock = _virtualClock ?? throw new InvalidOperationException("Advance moves the virtual time of a deterministic kernel (KernelOptions.Deterministic)");
        clock.Advance(by);
        Timers.Poll();
    }

    /// <summary>Stops the workers and the timer thread; tasks still live are abandoned.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _scheduler.Dispose();
        _reactor.Dispose();
        _timerThread?.Join();
    }
}
