using Tessera.Kernel.Reactor;
using Tessera.Kernel.Tasks;
using Tessera.Platform.Polling;
using Tessera.Wasi.Poll;
using Tessera.Wasm.Runtime;

namespace Tessera.Kernel.Devices;

/// <summary>
/// Device waits as guests see them: the import module <c>tessera_device</c> (docs/abi.md;
/// guest/include/tessera/device.h). A task waits on the interrupt lines it was granted
/// (<see cref="SpawnOptions.Devices"/>), numbered from 0.
/// </summary>
internal static class DeviceImports
{
    public const string ModuleName = "tessera_device";

    public static IReadOnlySet<(string Module, string Name)> Suspending { get; } = new HashSet<(string, string)> { (ModuleName, "wait") };

    /// <summary>wait's results besides a count: the timeout passed; no such line (or unplugged).</summary>
    public const long Timeout = -1, NoSuchLine = -4;

    public static void Define(Linker linker, Kernel kernel, IoReactor reactor)
    {
        linker.Define(ModuleName, "lines", Func.Wrap((Caller<KernelTask> caller) => caller.Data.Devices.Length));
        linker.Define(ModuleName, "wait", Func.Wrap((Caller<KernelTask> caller, int line, long timeout) => Wait(kernel, reactor, caller, line, timeout)));
    }

    /// <summary>wait(line, timeout_ms): the interrupts raised on the line since the task's last
    /// wait on it (at least 1), once there are any; -1 when the timeout (ms; -1 none, 0 poll)
    /// passed first; -4 for a line the task does not hold or one unplugged. Suspends: the reactor
    /// polls the line's counter and wakes the task; the call is made again then, and looks again.</summary>
    private static long Wait(Kernel kernel, IoReactor reactor, Caller<KernelTask> caller, int line, long timeout)
    {
        var task = caller.Data;
        bool resumed = caller.CompleteResume();
        if (!resumed) task.TimerFired = false;
        if ((uint)line >= (uint)task.Devices.Length) return Done(kernel, task, NoSuchLine);
        var device = task.Devices[line];
        // A wait that parked may have been ended by its timer, not the reactor: leave its list.
        if (resumed) reactor.Unwatch(device.Counter.Descriptor, task);
        if (Take(device) is { } result) return Done(kernel, task, result);
        if (task.TimerFired || timeout == 0) return Done(kernel, task, Timeout);
        if (!caller.CanSuspend) return WaitBlocking(kernel, device, timeout);
        // Armed after the take: a raise in between leaves the counter readable, and arming a
        // readable descriptor reports it at once, so no interrupt slips between the two.
        if (!reactor.Watch(device.Counter.Descriptor, Interest.Read, task)) return Done(kernel, task, NoSuchLine);
        if (timeout > 0 && !task.TimerArmed) kernel.StartTimer(task, timeout);
        caller.Suspend();
        return 0;
    }

    /// <summary>The interrupts counted on the line (-4 once it is unplugged: the unplug's own wake
    /// is not an interrupt), or null when there are none.</summary>
    private static long? Take(InterruptLine device)
    {
        ulong count = device.Counter.Take();
        if (device.IsUnplugged) return NoSuchLine;
        return count > 0 ? (long)Math.Min(count, long.MaxValue) : null;
    }

    /// <summary>A wait from a call that cannot suspend (a host frame between the task and this
    /// call): blocks its thread in poll until a count, an unplug or the deadline. Another holder
    /// of the line may take a count first: then it waits again.</summary>
    private static long WaitBlocking(Kernel kernel, InterruptLine device, long timeout)
    {
        long deadline = Deadline(kernel, timeout);
        while (true)
        {
            ThreadWaiter.Block([new HostWait(device.Counter.Descriptor, Interest.Read)], deadline, kernel.Clock);
            if (Take(device) is { } result) return result;
            if (deadline != WaitProgress.NoDeadline && kernel.Clock.NowNanoseconds >= deadline) return Timeout;
        }
    }

    private static long Done(Kernel kernel, KernelTask task, long result)
    {
        kernel.CancelTimer(task);
        task.TimerFired = false;
        task.TimerArmed = false;
        return result;
    }

    /// <summary>Nanoseconds on the kernel's clock <paramref name="timeoutMs"/> from now; none for a
    /// negative timeout or one too long to count in nanoseconds (about 292 years).</summary>
    private static long Deadline(Kernel kernel, long timeoutMs)
    {
        long now = kernel.Clock.NowNanoseconds;
        if (timeoutMs < 0 || timeoutMs > (WaitProgress.NoDeadline - now) / 1_000_000) return WaitProgress.NoDeadline;
        return now + timeoutMs * 1_000_000;
    }
}
