using System.Runtime.InteropServices;

namespace Tessera.Platform.Threads;

/// <summary>
/// The bounds of the calling thread's stack, so the engine's stack guard can keep WebAssembly
/// recursion inside the stack the thread really has. .NET does not expose them; on Linux (glibc and
/// musl) pthread_getattr_np does. Elsewhere the bounds are unknown and callers fall back to a
/// fixed budget.
/// </summary>
public static partial class ThreadStack
{
    /// <summary>The lowest and highest address of the calling thread's stack, if the platform says.</summary>
    public static unsafe bool TryGetCurrentBounds(out nuint low, out nuint high)
    {
        low = high = 0;
        if (!OperatingSystem.IsLinux()) return false;
        // pthread_attr_t is 56 bytes on x86-64 and 64 on arm64; 256 leaves room on every ABI.
        byte* attr = stackalloc byte[256];
        try
        {
            if (pthread_getattr_np(pthread_self(), attr) != 0) return false;
            try
            {
                if (pthread_attr_getstack(attr, out nint address, out nuint size) != 0) return false;
                low = (nuint)address;
                high = low + size;
                return size > 0;
            }
            finally
            {
                _ = pthread_attr_destroy(attr);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc")]
    private static partial nint pthread_self();

    [LibraryImport("libc")]
    private static unsafe partial int pthread_getattr_np(nint thread, byte* attr);

    [LibraryImport("libc")]
    private static unsafe partial int pthread_attr_getstack(byte* attr, out nint address, out nuint size);

    [LibraryImport("libc")]
    private static unsafe partial int pthread_attr_destroy(byte* attr);
}
