namespace Tessera.Wasi.Abi;

/// <summary>
/// Sizes and field offsets of the structures of typenames.witx in linear memory (little-endian,
/// C layout for wasm32: every field at its natural alignment).
/// </summary>
public static class Layouts
{
    /// <summary><c>$iovec</c> / <c>$ciovec</c>: buf (u32 pointer) @0, buf_len (u32) @4.</summary>
    public const int IovecSize = 8;

    /// <summary><c>$fdstat</c>: fs_filetype u8 @0, fs_flags u16 @2, fs_rights_base u64 @8, fs_rights_inheriting u64 @16.</summary>
    public const int FdstatSize = 24;

    /// <summary><c>$filestat</c>: dev @0, ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48, ctim @56 (u64 each).</summary>
    public const int FilestatSize = 64;

    /// <summary><c>$dirent</c>: d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20; the name follows the header.</summary>
    public const int DirentSize = 24;

    /// <summary><c>$prestat</c>: tag u8 @0, then <c>$prestat_dir</c> pr_name_len u32 @4.</summary>
    public const int PrestatSize = 8;

    /// <summary>
    /// <c>$subscription</c>: userdata u64 @0, tag (eventtype u8) @8, union @16: for clocks id u32
    /// @16, timeout u64 @24, precision u64 @32, flags u16 @40; for fds file_descriptor u32 @16.
    /// </summary>
    public const int SubscriptionSize = 48;

    /// <summary><c>$event</c>: userdata u64 @0, error u16 @8, type u8 @10, fd_readwrite: nbytes u64 @16, flags u16 @24.</summary>
    public const int EventSize = 32;
}
