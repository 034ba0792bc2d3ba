using System.Runtime.InteropServices;

namespace Tessera.Platform.Memory;

/// <summary>The libc calls virtual memory is built on (Linux numbering of flags and errno).</summary>
internal static unsafe partial class LinuxMemoryCalls
{
    private const string Lib = "libc";

    public const int ProtNone = 0, ProtRead = 1, ProtWrite = 2;
    public const int MapShared = 0x01, MapPrivate = 0x02, MapFixed = 0x10, MapAnonymous = 0x20, MapNoReserve = 0x4000;
    public const int MadvDontNeed = 4;
    public const int MremapMayMove = 1, MremapFixed = 2, MremapDontUnmap = 4;
    public const uint MfdCloexec = 1;
    public static readonly nint MapFailed = -1;

    [LibraryImport(Lib, SetLastError = true)] public static partial nint mmap(nint address, nuint length, int prot, int flags, int fd, long offset);
    [LibraryImport(Lib, SetLastError = true)] public static partial int munmap(nint address, nuint length);
    [LibraryImport(Lib, SetLastError = true)] public static partial int mprotect(nint address, nuint length, int prot);
    /// <summary>mremap is variadic in C (the new address is its fifth argument): on the System V
    /// x86-64 and AArch64 Linux conventions integer arguments pass alike either way.</summary>
    [LibraryImport(Lib, SetLastError = true)] public static partial nint mremap(nint oldAddress, nuint oldLength, nuint newLength, int flags, nint newAddress);
    [LibraryImport(Lib, SetLastError = true)] public static partial int madvise(nint address, nuint length, int advice);
    [LibraryImport(Lib, SetLastError = true)] public static partial int memfd_create(byte* name, uint flags);
    [LibraryImport(Lib, SetLastError = true)] public static partial int ftruncate(int fd, long length);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint pwrite(int fd, byte* buffer, nuint count, long offset);
    [LibraryImport(Lib, SetLastError = true)] public static partial int close(int fd);
    [LibraryImport(Lib)] public static partial long sysconf(int name);

    public const int ScPageSize = 30;

    public static int Prot(PageAccess access) => access switch
    {
        PageAccess.ReadOnly => ProtRead,
        PageAccess.ReadWrite => ProtRead | ProtWrite,
        _ => ProtNone,
    };
}
