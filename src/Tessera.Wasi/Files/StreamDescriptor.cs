using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Files;

/// <summary>
/// A descriptor over a .NET <see cref="Stream"/> the embedder supplied for stdin, stdout or stderr
/// (a MemoryStream in tests, a pipe to another component). It reads as a character device, as
/// stdio does in other runtimes, and is always ready for poll_oneoff.
/// </summary>
internal sealed class StreamDescriptor(Stream stream, OutputBudget? budget) : Descriptor
{
    public override FileType Type => FileType.CharacterDevice;

    public override int Read(Span<byte> buffer)
    {
        if (!stream.CanRead) throw new WasiException(Errno.BadF);
        return stream.Read(buffer);
    }

    public override int Write(ReadOnlySpan<byte> buffer)
    {
        if (!stream.CanWrite) throw new WasiException(Errno.BadF);
        int allowed = budget?.Take(buffer.Length) ?? buffer.Length;
        stream.Write(buffer[..allowed]);
        stream.Flush();
        return allowed;
    }

    public override void Sync() => stream.Flush();
    public override void DataSync() => stream.Flush();
}
