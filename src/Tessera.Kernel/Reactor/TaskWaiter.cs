using Tessera.Kernel.Tasks;
using Tessera.Platform.Clocks;
using Tessera.Wasi.Poll;
using Tessera.Wasm.Runtime;

namespace Tessera.Kernel.Reactor;

/// <summary>
/// How WASI calls made by tasks wait: the task parks, its descriptors watched by the
/// <see cref="IoReactor"/> and its deadline by its timer, and the call is made again when it
/// resumes. A call that cannot park here (a host frame between the task's call and this one)
/// blocks its worker thread instead, as a program outside the kernel would.
/// </summary>
internal sealed class TaskWaiter(Kernel kernel, IoReactor reactor) : IWasiWaiter
{
    /// <summary>The kernel's clock: WASI's deadlines and the task timers they arm are on one clock.</summary>
    public IMonotonicClock Clock => kernel.Clock;

    public WaitProgress Begin(Caller caller)
    {
        if (!caller.CompleteResume()) return WaitProgress.Start;
        var task = ((Store<KernelTask>)caller.Store!).Data;
        // Whatever woke it (a descriptor or the deadline), the call looks again for itself, and
        // watches again what it still waits for.
        reactor.UnwatchAll(task);
        kernel.CancelTimer(task);
        task.TimerFired = false;
        return new WaitProgress(true, task.WaitDone);
    }

    public bool Wait(Caller caller, ReadOnlySpan<HostWait> descriptors, long deadline, WaitProgress progress)
    {
        if (!caller.CanSuspend || caller.Store is not Store<KernelTask> { Data: var task })
        {
            ThreadWaiter.Block(descriptors, deadline, kernel.Clock);
            return true;
        }
        foreach (var d in descriptors)
        {
            if (!reactor.Watch(d.Descriptor, d.Interest, task))
            {
                // Not pollable (or closed under us): let the call try again and report it.
                return true;
            }
        }
        if (deadline != WaitProgress.NoDeadline)
        {
            long now = kernel.Clock.NowNanoseconds;
            // Timers count whole milliseconds: round up, so the call never wakes before its deadline.
            kernel.StartTimer(task, Math.Max(1, (deadline - now + 999_999) / 1_000_000));
        }
        task.WaitDone = progress.Done;
        caller.Suspend();
        return false;
    }

    public bool Yield(Caller caller)
    {
        if (!caller.CanSuspend || caller.Store is not Store<KernelTask> { Data: var task })
        {
            Thread.Yield();
            return false;
        }
        task.Yielding = true;
        caller.Suspend();
        return true;
    }
}
