namespace Tessera.Platform.Memory;

/// <summary>
/// Bytes laid out once and mapped copy-on-write into any number of reservations: on Linux an
/// anonymous memory file (memfd) mapped MAP_PRIVATE, so mapping costs a system call whatever the
/// image's size and each mapping copies only the pages it writes. The portable fallback copies.
/// </summary>
public sealed class MemoryImage : IDisposable
{
    private readonly IMemoryImageBacking _backing;

    private MemoryImage(IMemoryImageBacking backing, nuint length)
    {
        _backing = backing;
        Length = length;
    }

    /// <summary>The image's length: a whole number of host pages.</summary>
    public nuint Length { get; }

    /// <summary>An image of <paramref name="length"/> bytes (rounded up to whole pages), all zero.</summary>
    public static MemoryImage Create(nuint length) => Create(VirtualMemory.Host, length);

    internal static MemoryImage Create(IVirtualMemory host, nuint length)
    {
        if (length == 0) throw new ArgumentOutOfRangeException(nameof(length), "an image has at least one page");
        nuint rounded = VirtualMemory.RoundUp(length);
        return new MemoryImage(host.CreateImage(rounded), rounded);
    }

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="offset"/>; done before mapping.</summary>
    public void Write(nuint offset, ReadOnlySpan<byte> bytes)
    {
        if (offset > Length || (nuint)bytes.Length > Length - offset) throw new ArgumentOutOfRangeException(nameof(offset), "past the image's end");
        _backing.Write(offset, bytes);
    }

    /// <summary>Maps the whole image privately at <paramref name="address"/>, replacing what the
    /// reservation held there. Undo with <see cref="VirtualMemory.Reset"/>.</summary>
    public void MapInto(nint address)
    {
        if (address % (nint)VirtualMemory.PageSize != 0) throw new ArgumentOutOfRangeException(nameof(address), "not page aligned");
        _backing.MapInto(address, Length);
    }

    /// <summary>Closes the image; existing mappings stay valid (the host keeps their pages).</summary>
    public void Dispose() => _backing.Dispose();
}
