using Tessera.Platform.Files;

namespace Tessera.Wasi.Abi;

/// <summary><c>$filestat</c>: a file's attributes, written to guest memory at <see cref="Layouts.FilestatSize"/> bytes.</summary>
internal readonly record struct Filestat(ulong Device, ulong Inode, FileType Type, ulong LinkCount, ulong Size, ulong AccessTime, ulong ModifyTime, ulong ChangeTime)
{
    public static Filestat From(FileStatus s) =>
        new(s.Device, s.Inode, FileTypes.Of(s.Kind), s.LinkCount, s.Size, s.AccessTime, s.ModifyTime, s.ChangeTime);

    /// <summary>Writes the record's <see cref="Layouts.FilestatSize"/> bytes to the start of
    /// <paramref name="b"/> (the caller bounds it in guest memory). Takes a span, not the guest
    /// memory, so the ABI's layouts know nothing of how guest memory is reached.</summary>
    public void WriteTo(Span<byte> b)
    {
        b = b[..Layouts.FilestatSize];
        b.Clear();
        BitConverter.TryWriteBytes(b[0..], Device);
        BitConverter.TryWriteBytes(b[8..], Inode);
        b[16] = (byte)Type;
        BitConverter.TryWriteBytes(b[24..], LinkCount);
        BitConverter.TryWriteBytes(b[32..], Size);
        BitConverter.TryWriteBytes(b[40..], AccessTime);
        BitConverter.TryWriteBytes(b[48..], ModifyTime);
        BitConverter.TryWriteBytes(b[56..], ChangeTime);
    }
}

/// <summary>Host file kinds as WASI file types.</summary>
internal static class FileTypes
{
    /// <summary>WASI has no FIFO type; a pipe is <see cref="FileType.Unknown"/>, as in Wasmtime.</summary>
    public static FileType Of(HostFileKind kind) => kind switch
    {
        HostFileKind.BlockDevice => FileType.BlockDevice,
        HostFileKind.CharacterDevice => FileType.CharacterDevice,
        HostFileKind.Directory => FileType.Directory,
        HostFileKind.RegularFile => FileType.RegularFile,
        HostFileKind.Socket => FileType.SocketStream,
        HostFileKind.SymbolicLink => FileType.SymbolicLink,
        _ => FileType.Unknown,
    };
}
