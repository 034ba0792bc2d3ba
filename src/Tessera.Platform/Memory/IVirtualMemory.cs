namespace Tessera.Platform.Memory;

/// <summary>One host's implementation of <see cref="VirtualMemory"/> (Linux system calls, or the
/// portable allocator); chosen once at startup.</summary>
internal interface IVirtualMemory
{
    bool ReservesLazily { get; }
    nint Reserve(nuint length, PageAccess access);
    void Commit(nint address, nuint length);
    void Decommit(nint address, nuint length);
    void Reset(nint address, nuint length, PageAccess access);
    void Protect(nint address, nuint length, PageAccess access);
    void Release(nint address, nuint length);
    nint Detach(nint address, nuint length);
    void Attach(nint pages, nint address, nuint length);
    IMemoryImageBacking CreateImage(nuint length);
}

/// <summary>The bytes of a <see cref="MemoryImage"/> on one host.</summary>
internal interface IMemoryImageBacking : IDisposable
{
    void Write(nuint offset, ReadOnlySpan<byte> bytes);
    void MapInto(nint address, nuint length);
}
