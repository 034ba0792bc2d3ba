using Tessera.Wasi.Abi;
using Tessera.Wasi.Memory;

namespace Tessera.Wasi.Process;

/// <summary>args_get, args_sizes_get, environ_get, environ_sizes_get: a list of NUL-terminated
/// strings copied into the guest (an array of pointers, and the bytes they point into).</summary>
internal static class ArgsEnviron
{
    /// <summary>Writes the count and the total size (terminating NULs included); both places are
    /// checked before either is written, so a bad second pointer leaves the first untouched.</summary>
    public static Errno SizesGet(byte[][] strings, GuestMemory memory, int countOut, int sizeOut)
    {
        long size = 0;
        foreach (var s in strings) size += s.Length;
        memory.Slice(countOut, 4);
        memory.Slice(sizeOut, 4);
        memory.WriteU32(countOut, (uint)strings.Length);
        memory.WriteU32(sizeOut, (uint)size);
        return Errno.Success;
    }

    /// <summary>Writes one pointer per string at <paramref name="pointers"/> and the strings at
    /// <paramref name="buffer"/>; both regions are checked whole before anything is written.</summary>
    public static Errno Get(byte[][] strings, GuestMemory memory, int pointers, int buffer)
    {
        long size = 0;
        foreach (var s in strings) size += s.Length;
        memory.Slice(pointers, (long)strings.Length * 4);
        var bytes = memory.Slice(buffer, size);
        int at = 0;
        for (int i = 0; i < strings.Length; i++)
        {
            memory.WriteU32(pointers + 4 * i, (uint)(buffer + at));
            strings[i].CopyTo(bytes[at..]);
            at += strings[i].Length;
        }
        return Errno.Success;
    }
}
