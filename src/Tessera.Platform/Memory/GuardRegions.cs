using System.Runtime.InteropServices;

namespace Tessera.Platform.Memory;

/// <summary>
/// Address ranges where a memory fault is an out-of-bounds WebAssembly access rather than a crash.
/// The engine's guard-page mode compiles loads and stores without a bounds check and relies on
/// these: a linear memory sits at the start of a reservation larger than any address it can form,
/// and the pages past its length are inaccessible.
/// </summary>
/// <remarks>
/// <para>
/// The .NET runtime turns a fault in managed code into a catchable
/// <see cref="NullReferenceException"/> only when the address is in the first page; any other
/// fault ends the process. A small native library (<c>Native/guard_signals.c</c>, built with the
/// project when a C compiler is present) installs a SIGSEGV handler in front of the runtime's: for
/// a fault inside a registered region it records the address for the thread and hands the runtime
/// address 0, so the runtime raises the exception at the faulting instruction. Whoever catches it
/// asks <see cref="TakeFault"/> whether it was a guard fault.
/// </para>
/// <para>
/// This relies on how the runtime reads a fault (the address in <c>siginfo</c>), which is not a
/// documented contract: <see cref="TryEnable"/> accepts only the runtime versions and platforms it
/// was verified on (.NET 10, Linux x64; arm64 may also tear a faulting store) and the engine falls back to explicit checks
/// otherwise. <c>TESSERA_GUARD_PAGES=0</c> in the environment turns it off.
/// </para>
/// </remarks>
public static unsafe class GuardRegions
{
    /// <summary>The native library's file name, next to the application's assemblies.</summary>
    public const string LibraryName = "libtessera_guard.so";

    private static readonly object s_lock = new();
    private static bool s_tried;
    private static string? s_unavailable = "not enabled yet";
    private static delegate* unmanaged<nuint, nuint, int> s_addRegion;
    private static delegate* unmanaged[SuppressGCTransition]<nuint> s_takeFault;

    /// <summary>True once the handler is installed; regions may then be added.</summary>
    public static bool IsEnabled { get; private set; }

    /// <summary>Why guard regions are not available (after a failed <see cref="TryEnable"/>), or null.</summary>
    public static string? UnavailableReason => IsEnabled ? null : s_unavailable;

    /// <summary>Loads the native library and installs its handler, once per process. False, with
    /// <see cref="UnavailableReason"/> saying why, where the platform, runtime or library does not allow it.</summary>
    public static bool TryEnable()
    {
        lock (s_lock)
        {
            if (s_tried) return IsEnabled;
            s_tried = true;
            s_unavailable = Enable();
            IsEnabled = s_unavailable is null;
            return IsEnabled;
        }
    }

    private static string? Enable()
    {
        if (Environment.GetEnvironmentVariable("TESSERA_GUARD_PAGES") == "0") return "turned off by TESSERA_GUARD_PAGES=0";
        if (!OperatingSystem.IsLinux()) return "guard pages need Linux";
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return "guard pages are verified on x64 only";
        if (Environment.Version.Major != 10) return $"guard pages are verified on .NET 10 only (this is {Environment.Version})";
        if (!VirtualMemory.ReservesLazily) return "guard pages need lazily committed reservations";
        // Next to the assemblies (a build or publish of this repository), else wherever the
        // application's dependency manifest puts it (runtimes/linux-x64/native/ of the package).
        string? path = FindLibrary();
        nint library;
        if (path is not null ? !NativeLibrary.TryLoad(path, out library) : !NativeLibrary.TryLoad(LibraryName, typeof(GuardRegions).Assembly, null, out library))
            return path is null ? $"{LibraryName} was not found (it is built with Tessera.Platform when a C compiler is installed)" : $"{path} could not be loaded";
        path ??= LibraryName;
        if (!NativeLibrary.TryGetExport(library, "tessera_guard_install", out nint install)
            || !NativeLibrary.TryGetExport(library, "tessera_guard_add_region", out nint add)
            || !NativeLibrary.TryGetExport(library, "tessera_guard_take_fault", out nint take))
            return $"{path} lacks an export";
        int status = ((delegate* unmanaged<int>)install)();
        if (status != 0) return status == -1 ? "the runtime's SIGSEGV handler is not a siginfo handler" : "sigaction failed";
        s_addRegion = (delegate* unmanaged<nuint, nuint, int>)add;
        s_takeFault = (delegate* unmanaged[SuppressGCTransition]<nuint>)take;
        return null;
    }

    private static string? FindLibrary()
    {
        foreach (string? directory in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(typeof(GuardRegions).Assembly.Location) })
        {
            if (string.IsNullOrEmpty(directory)) continue;
            string path = Path.Combine(directory, LibraryName);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>Makes a fault in [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>)
    /// a guard fault from now on. Regions are never removed (their owners keep them reserved).</summary>
    /// <exception cref="InvalidOperationException">Not enabled.</exception>
    /// <exception cref="VirtualMemoryException">The handler's table of regions is full.</exception>
    public static void Add(nint start, nuint length)
    {
        if (!IsEnabled) throw new InvalidOperationException("guard regions are not enabled: " + s_unavailable);
        lock (s_lock)
        {
            if (s_addRegion((nuint)start, length) != 0) throw new VirtualMemoryException("register a guard region (the table of regions is full)", length, 12);
        }
    }

    /// <summary>The guard-region address the calling thread last faulted on, or 0 when it has not
    /// faulted on one since the last call; clears it.</summary>
    public static nint TakeFault() => IsEnabled ? (nint)s_takeFault() : 0;
}
