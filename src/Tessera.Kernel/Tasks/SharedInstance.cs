using Tessera.Wasm.Runtime;

namespace Tessera.Kernel.Tasks;

/// <summary>
/// An instance several tasks run in: the tasks a guest spawned into its own instance
/// (<c>spawn_local</c>), sharing its memory, globals and tables as threads share a process. They
/// take turns: one slice at a time runs in the instance (a store is used by one thread at a time,
/// and generated code keeps per-instance state), the others wait here, not in a run queue, and
/// each suspended task keeps its own saved frames (<see cref="SuspendableCall"/>).
/// </summary>
/// <remarks>
/// Everything is under <c>lock (this)</c>: turns change once per slice, so the lock is cheap, and
/// it makes a kill and a change of turn exclusive, which is what keeps a kill meant for one task
/// off the others (the interrupt flag is the instance's, not the task's).
/// </remarks>
internal sealed class SharedInstance
{
    private readonly Queue<KernelTask> _waiting = new();
    private KernelTask? _current;
    private int _tasks;

    /// <summary>Shares <paramref name="running"/>'s instance, which it is running now.</summary>
    public SharedInstance(KernelTask running)
    {
        Store = running.Store!;
        Instance = running.Instance!;
        _current = running;
        _tasks = 1;
    }

    public Store<KernelTask> Store { get; }
    public Instance Instance { get; }

    /// <summary>A new task of the instance: the store lives until the last one ends.</summary>
    public void Join()
    {
        lock (this) _tasks++;
    }

    /// <summary>A task of the instance ended; true when it was the last (dispose the store).</summary>
    public bool Leave()
    {
        lock (this) return --_tasks == 0;
    }

    /// <summary>Takes the instance for a slice of <paramref name="task"/> (which a worker has just
    /// set Running). False when another task has it: <paramref name="task"/> is made Runnable again
    /// and waits here until <see cref="Exit"/> hands it back.</summary>
    public bool TryEnter(KernelTask task)
    {
        lock (this)
        {
            // Busy even when the task holding it is this one: its last slice has requeued or
            // parked it and is about to Exit, which will hand it back in turn.
            if (_current is not null)
            {
                // Runnable before it is visible to Exit, so the worker Exit hands it to can take it.
                Volatile.Write(ref task.State, KernelTask.Runnable);
                _waiting.Enqueue(task);
                return false;
            }
            _current = task;
            // Host functions find their task as the store's data (TaskImports, WASI).
            Store.Data = task;
            // A kill that reached the instance was for the task that ran before.
            Instance.ResetInterrupt();
            if (task.KillRequested) Instance.Interrupt();
            return true;
        }
    }

    /// <summary>Ends <paramref name="task"/>'s turn; returns the task that waited longest, to be
    /// scheduled, or null.</summary>
    public KernelTask? Exit(KernelTask task)
    {
        lock (this)
        {
            if (_current != task) return null;
            _current = null;
            Instance.ResetInterrupt();
            return _waiting.TryDequeue(out var next) ? next : null;
        }
    }

    /// <summary>Interrupts the instance if <paramref name="task"/> is running in it (a task
    /// waiting for its turn finds its kill request when it gets one).</summary>
    public void Kill(KernelTask task)
    {
        lock (this)
        {
            if (_current == task) Instance.Interrupt();
        }
    }
}
