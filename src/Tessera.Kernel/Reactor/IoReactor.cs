using Tessera.Kernel.Tasks;
using Tessera.Platform.Polling;

namespace Tessera.Kernel.Reactor;

/// <summary>
/// Wakes tasks when host descriptors become ready: one thread sits in the host's readiness wait
/// (<see cref="Readiness"/>: epoll, one-shot) and hands each ready descriptor's waiting tasks to the
/// scheduler. A task waiting here holds no thread; it tries its operation again when woken, so a
/// wake that finds nothing to do (another task took the connection, or the task was woken by its
/// timeout first) only costs a retry. The thread starts with the first wait.
/// </summary>
internal sealed class IoReactor : IDisposable
{
    private readonly Action<KernelTask> _wake;
    private readonly Dictionary<int, Waiters> _waiting = [];
    private readonly Lock _lock = new();
    private Readiness? _readiness;
    private Thread? _thread;
    private volatile bool _disposed;

    public IoReactor(Action<KernelTask> wake) => _wake = wake;

    /// <summary>Wakes <paramref name="task"/> once <paramref name="descriptor"/> is ready for
    /// <paramref name="interest"/>. Returns false when the host refused the descriptor (not
    /// pollable, or closed): the caller must not park on it.</summary>
    public bool Watch(int descriptor, Interest interest, KernelTask task)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Start();
            if (!_waiting.TryGetValue(descriptor, out var waiters)) _waiting[descriptor] = waiters = new Waiters();
            // A task that waited here before and was woken by something else is still listed:
            // listed once, it is woken once.
            bool added = waiters.Tasks.Add(task);
            if (added) (task.Watched ??= []).Add(descriptor);
            waiters.Interest |= interest;
            if (_readiness!.Arm(descriptor, waiters.Interest, descriptor) == 0) return true;
            if (added)
            {
                waiters.Tasks.Remove(task);
                task.Watched!.Remove(descriptor);
            }
            if (waiters.Tasks.Count == 0) _waiting.Remove(descriptor);
            return false;
        }
    }

    /// <summary>Stops waking <paramref name="task"/> for <paramref name="descriptor"/>: its wait
    /// ended another way (a timeout). Without this a task that times out again and again on a
    /// quiet descriptor would stay listed, and be kept alive, until the descriptor is ready.</summary>
    public void Unwatch(int descriptor, KernelTask task)
    {
        lock (_lock)
        {
            if (Remove(descriptor, task)) task.Watched!.Remove(descriptor);
        }
    }

    /// <summary>
    /// Stops waking <paramref name="task"/> for every descriptor it is listed on: called when a
    /// task resumes from a WASI wait (whatever woke it) and when it ends. A wait ended by its
    /// timeout, or a task killed while parked, otherwise stayed listed, and kept the task alive,
    /// until the descriptor was ready: a guest timing out on a quiet socket in task after task
    /// grew the list without bound.
    /// </summary>
    public void UnwatchAll(KernelTask task)
    {
        lock (_lock)
        {
            if (task.Watched is not { Count: > 0 } watched) return;
            foreach (int descriptor in watched) Remove(descriptor, task);
            watched.Clear();
        }
    }

    /// <summary>Takes <paramref name="task"/> off <paramref name="descriptor"/>'s list (under the lock).</summary>
    private bool Remove(int descriptor, KernelTask task)
    {
        if (!_waiting.TryGetValue(descriptor, out var waiters) || !waiters.Tasks.Remove(task)) return false;
        // The registration stays armed: when it fires it finds nobody, which costs one wake-up.
        if (waiters.Tasks.Count == 0) _waiting.Remove(descriptor);
        return true;
    }

    /// <summary>How many (descriptor, task) waits are listed now.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock) return _waiting.Values.Sum(w => w.Tasks.Count);
        }
    }

    private void Start()
    {
        if (_thread is not null) return;
        _readiness = new Readiness();
        _thread = new Thread(Run) { IsBackground = true, Name = "tessera io reactor" };
        _thread.Start();
    }

    private void Run()
    {
        var ready = new ReadyEvent[256];
        var wake = new List<KernelTask>();
        while (!_disposed)
        {
            int n = _readiness!.Wait(ready, -1);
            if (n <= 0) continue;
            lock (_lock)
            {
                for (int i = 0; i < n; i++)
                {
                    int descriptor = (int)ready[i].Token;
                    if (!_waiting.Remove(descriptor, out var waiters)) continue;
                    foreach (var task in waiters.Tasks) task.Watched!.Remove(descriptor);
                    wake.AddRange(waiters.Tasks);
                }
            }
            foreach (var task in wake) _wake(task);
            wake.Clear();
        }
    }

    public void Dispose()
    {
        Thread? thread;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            thread = _thread;
        }
        if (thread is null) return;
        _readiness!.Interrupt();
        thread.Join();
        _readiness.Dispose();
    }

    /// <summary>The tasks waiting on one descriptor, and the union of what they wait for (one
    /// registration per descriptor: a reader and a writer of one socket share it).</summary>
    private sealed class Waiters
    {
        public readonly HashSet<KernelTask> Tasks = [];
        public Interest Interest;
    }
}
