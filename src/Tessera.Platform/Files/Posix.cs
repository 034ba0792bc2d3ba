using System.Runtime.InteropServices;

namespace Tessera.Platform.Files;

/// <summary>
/// The libc entry points the descriptor-relative file API is built on. Every call sets errno
/// (<c>SetLastError</c>), which <see cref="HostFiles"/> turns into a negative result. Names are
/// NUL-terminated byte strings passed as pointers, so no marshalling allocates.
/// </summary>
internal static unsafe partial class Posix
{
    private const string Lib = "libc";

    [LibraryImport(Lib, SetLastError = true)] internal static partial int openat(int dirfd, byte* path, int flags, int mode);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int close(int fd);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int dup(int fd);
    [LibraryImport(Lib, SetLastError = true)] internal static partial nint read(int fd, byte* buf, nuint count);
    [LibraryImport(Lib, SetLastError = true)] internal static partial nint write(int fd, byte* buf, nuint count);
    [LibraryImport(Lib, SetLastError = true)] internal static partial nint pread(int fd, byte* buf, nuint count, long offset);
    [LibraryImport(Lib, SetLastError = true)] internal static partial nint pwrite(int fd, byte* buf, nuint count, long offset);
    [LibraryImport(Lib, SetLastError = true)] internal static partial long lseek(int fd, long offset, int whence);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int fsync(int fd);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int fdatasync(int fd);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int ftruncate(int fd, long length);
    // posix_fadvise and posix_fallocate return the error number instead of setting errno.
    [LibraryImport(Lib)] internal static partial int posix_fadvise(int fd, long offset, long len, int advice);
    [LibraryImport(Lib)] internal static partial int posix_fallocate(int fd, long offset, long len);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int fcntl(int fd, int cmd, int arg);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int mkdirat(int dirfd, byte* path, int mode);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int unlinkat(int dirfd, byte* path, int flags);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int renameat(int olddirfd, byte* oldpath, int newdirfd, byte* newpath);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int linkat(int olddirfd, byte* oldpath, int newdirfd, byte* newpath, int flags);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int symlinkat(byte* target, int newdirfd, byte* linkpath);
    [LibraryImport(Lib, SetLastError = true)] internal static partial nint readlinkat(int dirfd, byte* path, byte* buf, nuint size);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int utimensat(int dirfd, byte* path, long* times, int flags);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int futimens(int fd, long* times);
    [LibraryImport(Lib, SetLastError = true)] internal static partial nint getdents64(int fd, byte* buf, nuint count);
    [LibraryImport(Lib, SetLastError = true)] internal static partial int isatty(int fd);
}
