using System.Buffers;

namespace Tessera.Platform.Files;

/// <summary>
/// A name as the host's system calls take it: the caller's bytes followed by a NUL. Every
/// <see cref="HostFiles"/> call that passes a name builds it here, so the rules hold for all of
/// them: a name with a NUL inside is EINVAL (the host would silently cut it there); a name longer
/// than <see cref="MaxLength"/> is ENAMETOOLONG before a byte is copied (Linux refuses such a name
/// anyway), so no host buffer grows with a caller's data; a name that fits the caller's stack
/// buffer (<see cref="StackLength"/> bytes) is built there, a longer one in a buffer rented from
/// the shared pool, so no stack frame is sized by a caller either.
/// </summary>
/// <remarks>Use: <c>Span&lt;byte&gt; stack = stackalloc byte[HostName.StackLength]; using var z =
/// HostName.From(name, stack); if (z.Error != 0) return z.Error;</c> then pass <see cref="Terminated"/>.</remarks>
internal ref struct HostName
{
    /// <summary>Linux's PATH_MAX is 4096 bytes including the terminating NUL.</summary>
    public const int MaxLength = 4095;

    /// <summary>Bytes a caller reserves on its stack: a NAME_MAX (255) component and its NUL fit.</summary>
    public const int StackLength = 256;

    private byte[]? _rented;

    /// <summary>The name and its NUL, or empty when <see cref="Error"/> is set.</summary>
    public Span<byte> Terminated { get; private set; }

    /// <summary>0, or minus the host error the name is refused with.</summary>
    public int Error { get; private set; }

    /// <summary>Builds <paramref name="name"/> with its NUL in <paramref name="stack"/> when it fits
    /// (the caller passes <see cref="StackLength"/> bytes of its own stack), else in a pooled buffer.</summary>
    public static HostName From(ReadOnlySpan<byte> name, Span<byte> stack)
    {
        if (name.Length > MaxLength) return new HostName { Error = -HostErrno.ENAMETOOLONG };
        if (name.Contains((byte)0)) return new HostName { Error = -HostErrno.EINVAL };
        var result = new HostName();
        var buffer = name.Length < stack.Length ? stack : (result._rented = ArrayPool<byte>.Shared.Rent(name.Length + 1));
        name.CopyTo(buffer);
        buffer[name.Length] = 0;
        result.Terminated = buffer[..(name.Length + 1)];
        return result;
    }

    public void Dispose()
    {
        if (_rented is { } rented) ArrayPool<byte>.Shared.Return(rented);
        _rented = null;
        Terminated = default;
    }
}
