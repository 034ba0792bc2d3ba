using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Tessera.Platform.Files;

namespace Tessera.Platform.Interrupts;

/// <summary>
/// A counter of events that any thread can add to and one descriptor can be polled on: how a
/// hosted kernel sees an interrupt. On Linux an eventfd (non-blocking): <see cref="Add"/> writes,
/// <see cref="Take"/> reads and resets, and the descriptor is readable while the count is above
/// zero, so the IO reactor's epoll wakes whoever waits on it. Events raised while nobody waits
/// are counted, not lost (as a Linux UIO device counts interrupts). A bare-metal port raises the
/// same counter from an interrupt handler.
/// </summary>
public sealed unsafe partial class EventCounter : IDisposable
{
    private const int EfdCloexec = 0x80000, EfdNonblock = 0x800;

    /// <summary>A safe handle, so that a raise racing with <see cref="Dispose"/> never writes to
    /// a descriptor number the host has meanwhile given to another file.</summary>
    private readonly SafeFileHandle _handle;

    /// <exception cref="PlatformNotSupportedException">Not on Linux: there is no pollable counter yet.</exception>
    /// <exception cref="IOException">The host would not create one (descriptors exhausted).</exception>
    public EventCounter()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("event counters need Linux's eventfd");
        int descriptor = eventfd(0, EfdCloexec | EfdNonblock);
        if (descriptor < 0) throw new IOException($"eventfd failed: errno {Marshal.GetLastPInvokeError()}");
        _handle = new SafeFileHandle(descriptor, ownsHandle: true);
        Descriptor = descriptor;
    }

    /// <summary>The descriptor to poll for readability (the count is above zero).</summary>
    public int Descriptor { get; }

    /// <summary>Adds <paramref name="events"/>; safe from any thread. False once disposed, or
    /// when the count would pass 2^64 - 2 (the events are then not added).</summary>
    public bool Add(ulong events = 1) => Transfer(&events, write: true);

    /// <summary>The events added since the last take, and zero from then on; 0 when there were
    /// none (or once disposed).</summary>
    public ulong Take()
    {
        ulong count = 0;
        return Transfer(&count, write: false) ? count : 0;
    }

    private bool Transfer(ulong* value, bool write)
    {
        bool held = false;
        try
        {
            _handle.DangerousAddRef(ref held);
            int descriptor = (int)_handle.DangerousGetHandle();
            nint n = write ? Posix.write(descriptor, (byte*)value, sizeof(ulong)) : Posix.read(descriptor, (byte*)value, sizeof(ulong));
            return n == sizeof(ulong);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (held) _handle.DangerousRelease();
        }
    }

    public void Dispose() => _handle.Dispose();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd(uint initial, int flags);
}
