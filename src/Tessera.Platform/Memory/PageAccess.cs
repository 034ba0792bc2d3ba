namespace Tessera.Platform.Memory;

/// <summary>What a range of reserved pages may be used for.</summary>
public enum PageAccess
{
    /// <summary>Reserved address space only: any access faults (and would kill the process).</summary>
    None,
    ReadOnly,
    ReadWrite,
}
