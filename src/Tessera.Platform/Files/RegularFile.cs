using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Tessera.Platform.Files;

/// <summary>
/// Opens a file for reading only if it is a regular file of bounded size, for inputs a user names
/// (a module, a script). The file is opened without blocking, so a FIFO does not wait for a writer,
/// and its type and size are read from the open descriptor, so what is checked is what is read: a
/// directory, FIFO, socket or device (<c>/dev/zero</c>) is refused before a byte is read.
/// </summary>
public static class RegularFile
{
    /// <summary>Opens <paramref name="path"/>, positioned at its start, or returns null and says
    /// why in <paramref name="problem"/> ("no such file", "is a directory, not a regular file", ...,
    /// or that it is larger than <paramref name="maxBytes"/>).</summary>
    public static FileStream? TryOpen(string path, long maxBytes, out string? problem)
    {
        problem = null;
        if (!OperatingSystem.IsLinux())
        {
            // Without descriptor-relative calls: the portable checks, racy but never hanging on a directory.
            if (Directory.Exists(path)) return Refuse(out problem, "is a directory, not a regular file");
            try
            {
                var portable = File.OpenRead(path);
                if (portable.Length <= maxBytes) return portable;
                problem = TooLarge(portable.Length, maxBytes);
                portable.Dispose();
                return null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Refuse(out problem, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : "cannot open: " + e.Message);
            }
        }
        int fd = HostFiles.OpenAt(HostFiles.CurrentDirectory, Encoding.UTF8.GetBytes(path), OpenFlags.Read | OpenFlags.NonBlocking);
        if (fd < 0) return Refuse(out problem, OpenError(-fd));
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        int r = HostFiles.Stat(fd, out var status);
        problem = r < 0 ? "cannot read: " + Marshal.GetPInvokeErrorMessage(-r)
            : status.Kind != HostFileKind.RegularFile ? NotRegular(status.Kind)
            : status.Size > (ulong)maxBytes ? TooLarge((long)status.Size, maxBytes)
            : null;
        if (problem is null) return new FileStream(handle, FileAccess.Read, bufferSize: 4096);
        handle.Dispose();
        return null;
    }

    private static FileStream? Refuse(out string? problem, string why)
    {
        problem = why;
        return null;
    }

    private static string TooLarge(long size, long maxBytes) => $"file too large: {size:N0} bytes, more than {maxBytes:N0}";

    private static string OpenError(int errno) => errno switch
    {
        HostErrno.ENOENT => "no such file",
        HostErrno.ENOTDIR => "no such file (a directory in the path is a file)",
        HostErrno.EACCES => "permission denied",
        HostErrno.ENAMETOOLONG => "no such file (the name is too long)",
        _ => "cannot open: " + Marshal.GetPInvokeErrorMessage(errno),
    };

    private static string NotRegular(HostFileKind kind) => kind switch
    {
        HostFileKind.Directory => "is a directory, not a regular file",
        HostFileKind.Fifo => "is a FIFO, not a regular file",
        HostFileKind.CharacterDevice or HostFileKind.BlockDevice => "is a device, not a regular file",
        HostFileKind.Socket => "is a socket, not a regular file",
        _ => "is not a regular file",
    };
}
