using Tessera.Platform.Files;
using Tessera.Wasi.Abi;
using Tessera.Wasi.Memory;

namespace Tessera.Wasi.Files;

/// <summary>
/// fd_readdir: fills the buffer with <c>$dirent</c> headers each followed by its name, starting at
/// the entry the cookie names. A cookie is an index into the listing taken when the guest started
/// at cookie 0 (each entry's <c>d_next</c> is the next index), so reading in several calls sees
/// one consistent listing. When the buffer fills, the last entry is cut short; the guest sees a
/// full buffer and calls again with the last whole entry's d_next, as the specification intends.
/// </summary>
internal static class DirectoryListing
{
    public static Errno Readdir(WasiContext ctx, GuestMemory memory, int fd, int buffer, int bufferLength, long cookie, int resultOut)
    {
        var d = ctx.Descriptors.Get(fd);
        d.Require(Rights.FdReaddir);
        if (d is not HostDescriptor { Type: FileType.Directory } dir) return Errno.NotDir;
        var output = memory.Slice(buffer, bufferLength);
        memory.Slice(resultOut, 4);
        if (cookie == 0 || dir.Listing is null)
        {
            var entries = new List<DirectoryEntry>();
            HostDescriptor.Check(HostFiles.ReadDirectory(dir.Fd, entries));
            dir.Listing = entries;
        }
        var listing = dir.Listing;
        if ((ulong)cookie > (ulong)listing.Count)
        {
            memory.WriteU32(resultOut, 0);
            return Errno.Success;
        }
        Span<byte> header = stackalloc byte[Layouts.DirentSize];
        int used = 0;
        for (int i = (int)cookie; i < listing.Count && used < output.Length; i++)
        {
            var entry = listing[i];
            header.Clear();
            BitConverter.TryWriteBytes(header[0..], (ulong)(i + 1));
            BitConverter.TryWriteBytes(header[8..], entry.Inode);
            BitConverter.TryWriteBytes(header[16..], (uint)entry.Name.Length);
            header[20] = (byte)FileTypes.Of(entry.Kind);
            used += Copy(header, output[used..]);
            used += Copy(entry.Name, output[used..]);
        }
        memory.WriteU32(resultOut, (uint)used);
        return Errno.Success;
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int n = Math.Min(source.Length, destination.Length);
        source[..n].CopyTo(destination);
        return n;
    }
}
