namespace Tessera.Platform.Memory;

/// <summary>
/// The host refused a virtual memory operation: address space or memory exhausted, a limit such as
/// <c>vm.max_map_count</c> reached, or a bad argument. Callers turn it into a failed
/// <c>memory.grow</c> or a failed instantiation; it never escapes as a crash.
/// </summary>
public sealed class VirtualMemoryException : Exception
{
    public VirtualMemoryException(string operation, nuint length, int errno)
        : base($"{operation} of {length} bytes failed: {Describe(errno)}")
    {
        Operation = operation;
        Length = length;
        Errno = errno;
    }

    /// <summary>The call that failed: reserve, commit, decommit, protect, release, map image.</summary>
    public string Operation { get; }
    public nuint Length { get; }
    /// <summary>The host's error number (Linux numbering), 0 when the portable allocator failed.</summary>
    public int Errno { get; }

    private static string Describe(int errno) => errno switch
    {
        0 => "the allocator returned nothing",
        12 => "out of memory or address space (ENOMEM; also the vm.max_map_count limit)",
        22 => "invalid argument (EINVAL)",
        24 => "too many open files (EMFILE)",
        _ => $"errno {errno}",
    };
}
