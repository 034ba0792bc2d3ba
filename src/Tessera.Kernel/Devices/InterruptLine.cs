using Tessera.Platform.Interrupts;

namespace Tessera.Kernel.Devices;

/// <summary>
/// A device's interrupt as the kernel sees it: the host side (an emulated device, a bridge to a
/// host descriptor; on bare metal, an interrupt handler) <see cref="Raise"/>s it, and a driver
/// task granted it (<see cref="SpawnOptions.Devices"/>) waits for it with <c>tessera_device.wait</c>
/// holding no thread: the IO reactor polls the line's <see cref="EventCounter"/> and wakes the
/// task. Raises that come while nobody waits are counted, and the next wait returns the count at
/// once (as a Linux UIO device counts interrupts), so none is lost between two waits.
/// </summary>
public sealed class InterruptLine : IDisposable
{
    private int _unplugged;

    /// <param name="name">What the line is, for diagnostics (<c>"nic0 rx"</c>).</param>
    /// <exception cref="PlatformNotSupportedException">The host has no pollable counter (not Linux).</exception>
    public InterruptLine(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Counter = new EventCounter();
    }

    public string Name { get; }

    internal EventCounter Counter { get; }

    /// <summary>True once <see cref="Dispose"/>d: waits on it return <c>-4</c>.</summary>
    public bool IsUnplugged => Volatile.Read(ref _unplugged) != 0;

    /// <summary>Signals <paramref name="count"/> interrupts; safe from any thread. False once
    /// unplugged.</summary>
    public bool Raise(ulong count = 1) => !IsUnplugged && count > 0 && Counter.Add(count);

    /// <summary>Unplugs the line: tasks waiting on it wake and are told (<c>-4</c>), later waits
    /// too. The host descriptor stays open until no task holds the line (the garbage collector
    /// closes it): closing it now could drop the wake it was just sent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _unplugged, 1) == 0) Counter.Add(1);
    }

    public override string ToString() => "interrupt line " + Name;
}
