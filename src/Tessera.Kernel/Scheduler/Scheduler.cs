using System.Collections.Concurrent;
using System.Diagnostics;
using Tessera.Kernel.Tasks;

namespace Tessera.Kernel.Scheduling;

/// <summary>
/// Runs tasks on one worker thread per core: each worker has its own run queue; a task woken on a
/// worker runs next on that worker (its LIFO slot; what it displaces goes to the worker's queue),
/// tasks woken elsewhere (the timer thread, the reactor, the host) go to a global queue; a worker with
/// nothing to do takes from the global queue, steals from the others, spins for 20 us looking again,
/// then parks until <see cref="Schedule"/> wakes it.
/// </summary>
/// <remarks>
/// Parking cannot lose a wake-up: a worker registers as idle, looks at every queue once more, and
/// only then waits on its semaphore; a scheduler that queues a task afterwards finds it registered
/// and releases it. A release that finds the worker busy leaves a count on its semaphore, which costs
/// one extra loop, never a lost task.
/// </remarks>
internal sealed class Scheduler : IDisposable
{
    private readonly Worker[] _workers;
    private readonly ConcurrentQueue<KernelTask> _global = new();
    private readonly ConcurrentStack<Worker> _idle = new();
    private readonly Action<KernelTask> _run;
    private volatile bool _stopping;
    private readonly bool _threaded;
    /// <summary>1 while a thread is in <see cref="RunHere"/>.</summary>
    private int _driving;

    [ThreadStatic] private static Worker? t_current;

    private const int GlobalInterval = 61;
    private const int MaxNextRuns = 3;

    /// <summary>Starts <paramref name="workers"/> worker threads; with <paramref name="threaded"/>
    /// false, starts none and makes one worker that <see cref="RunHere"/> drives on its caller's
    /// thread (the deterministic mode).</summary>
    public Scheduler(int workers, Action<KernelTask> run, bool threaded = true)
    {
        _run = run;
        _threaded = threaded;
        _workers = new Worker[threaded ? Math.Max(1, workers) : 1];
        for (int i = 0; i < _workers.Length; i++) _workers[i] = new Worker(this, i);
        if (threaded) foreach (var worker in _workers) worker.Thread.Start();
    }

    public int WorkerCount => _workers.Length;

    /// <summary>The worker threads, so a test can tell them from other threads; none in the
    /// deterministic mode.</summary>
    public IEnumerable<Thread> Threads => _threaded ? _workers.Select(w => w.Thread) : [];

    /// <summary>Queues a runnable task and wakes an idle worker if there is one. A task woken on a
    /// worker stays on that worker (its data is in that core's cache); <paramref name="yielded"/>
    /// sends a task that gave up its slice to the back of the global queue, behind everyone else.</summary>
    public void Schedule(KernelTask task, bool yielded = false)
    {
        if (!yielded && t_current is { } worker && worker.Owner == this)
        {
            // The task this worker's task just woke runs next, here, where what it will read is in
            // cache (a message's receiver): the LIFO slot, which other workers do not steal from. A
            // task it displaces goes to the queue, where they may.
            var displaced = worker.Next;
            worker.Next = task;
            if (displaced is null) return;
            worker.Queue.Enqueue(displaced);
        }
        else
        {
            _global.Enqueue(task);
        }
        if (_idle.TryPop(out var idle))
        {
            Interlocked.Exchange(ref idle.IsIdle, 0);
            idle.Wake.Release();
        }
    }

    /// <summary>Own queue first, except every <see cref="GlobalInterval"/>th take, which looks at
    /// the global queue first so a busy worker cannot starve it (Tokio's rule, same interval).</summary>
    private bool TryTake(Worker worker, out KernelTask task)
    {
        if (worker.Next is { } next)
        {
            worker.Next = null;
            // At most a few in a row from the slot, so two tasks messaging each other for ever
            // cannot keep the rest of the queue waiting (Tokio's rule).
            if (worker.NextRuns++ < MaxNextRuns)
            {
                task = next;
                return true;
            }
            worker.Queue.Enqueue(next);
        }
        worker.NextRuns = 0;
        if (++worker.Takes % GlobalInterval == 0 && _global.TryDequeue(out task!)) return true;
        if (worker.Queue.TryDequeue(out task!)) return true;
        if (_global.TryDequeue(out task!)) return true;
        for (int i = 1; i < _workers.Length; i++)
        {
            var victim = _workers[(worker.Index + i) % _workers.Length];
            if (victim.Queue.TryDequeue(out task!)) return true;
        }
        return false;
    }

    private void Loop(Worker worker)
    {
        t_current = worker;
        while (!_stopping)
        {
            if (TryTake(worker, out var task) || Spin(worker, out task) || Register(worker) && TryTake(worker, out task))
            {
                Run(worker, task);
                continue;
            }
            worker.Wake.Wait(100);
        }
    }

    /// <summary>How long a worker that ran out of tasks keeps looking before it parks. A message
    /// answered within microseconds is then picked up without a futex wake-up on each side (what
    /// made a round trip cost a microsecond); Erlang's schedulers and Tokio's workers spin too.</summary>
    private static readonly long s_spinTicks = Stopwatch.Frequency / 50_000;

    private bool Spin(Worker worker, out KernelTask task)
    {
        long until = Stopwatch.GetTimestamp() + s_spinTicks;
        var spinner = new SpinWait();
        while (Stopwatch.GetTimestamp() < until && !_stopping)
        {
            if (TryTake(worker, out task!)) return true;
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        task = null!;
        return false;
    }

    private bool Register(Worker worker)
    {
        if (Interlocked.Exchange(ref worker.IsIdle, 1) == 0) _idle.Push(worker);
        return true;
    }

    private void Run(Worker worker, KernelTask task)
    {
        Volatile.Write(ref worker.SliceStart, Stopwatch.GetTimestamp());
        Volatile.Write(ref worker.Current, task);
        _run(task);
        Volatile.Write(ref worker.Current, null);
    }

    /// <summary>Asks each task that has run longer than <paramref name="slice"/> (Stopwatch ticks) to
    /// yield at its next loop head (the timer thread calls this every millisecond).</summary>
    public void PreemptOverdue(long slice)
    {
        long now = Stopwatch.GetTimestamp();
        foreach (var worker in _workers)
        {
            if (Volatile.Read(ref worker.Current) is { } task && now - Volatile.Read(ref worker.SliceStart) >= slice) task.Instance?.RequestYield();
        }
    }

    /// <summary>
    /// The deterministic mode's loop: the one worker's loop, run on the calling thread until
    /// <paramref name="done"/> holds (looked at before every slice). Tasks are taken exactly as a
    /// worker takes them (its LIFO slot, its queue, the global queue); when there is none,
    /// <paramref name="whenIdle"/> may make some runnable (the kernel moves virtual time to its
    /// next timer) and returns true, or returns false, and the thread waits for a wake from
    /// another thread (the reactor, the host) as a parked worker does. Returns false when
    /// <paramref name="patience"/> (wall time) passes first: a guard against a test that would
    /// hang, not a clock anything is timed by.
    /// </summary>
    public bool RunHere(Func<bool> done, Func<bool> whenIdle, TimeSpan patience)
    {
        if (_threaded) throw new InvalidOperationException("the kernel runs on its own worker threads (KernelOptions.Deterministic is off)");
        if (Interlocked.Exchange(ref _driving, 1) != 0) throw new InvalidOperationException("the kernel is already being run (RunUntil on another thread, or called from a task)");
        var worker = _workers[0];
        var previous = t_current;
        t_current = worker;
        long giveUp = Stopwatch.GetTimestamp() + (long)(patience.TotalSeconds * Stopwatch.Frequency);
        try
        {
            while (!done())
            {
                if (_stopping) throw new ObjectDisposedException(nameof(Kernel));
                if (Stopwatch.GetTimestamp() > giveUp) return false;
                if (TryTake(worker, out var task) || Register(worker) && TryTake(worker, out task))
                {
                    Run(worker, task);
                    continue;
                }
                if (!whenIdle()) worker.Wake.Wait(10);
            }
            return true;
        }
        finally
        {
            t_current = previous;
            Volatile.Write(ref _driving, 0);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        foreach (var worker in _workers) worker.Wake.Release();
        if (_threaded) foreach (var worker in _workers) worker.Thread.Join();
    }

    private sealed class Worker
    {
        public Worker(Scheduler owner, int index)
        {
            Owner = owner;
            Index = index;
            Thread = new Thread(() => owner.Loop(this), 2 * 1024 * 1024) { IsBackground = true, Name = "tessera worker " + index };
        }

        public Scheduler Owner { get; }
        public int Index { get; }
        public Thread Thread { get; }
        public ConcurrentQueue<KernelTask> Queue { get; } = new();
        public SemaphoreSlim Wake { get; } = new(0);
        public int IsIdle;
        public uint Takes;
        /// <summary>The LIFO slot: the task this worker's task woke last, run next; touched only by this worker.</summary>
        public KernelTask? Next;
        public int NextRuns;
        /// <summary>The task running, and since when: read by the timer thread.</summary>
        public KernelTask? Current;
        public long SliceStart;
    }
}
