using System.Buffers.Binary;

namespace Tessera.Wasm.Caching;

/// <summary>
/// One cache file: the module's code image (a PE file that ildasm or ILSpy can open as it is), the
/// constant table its code reads (64-bit little-endian slots), then a trailer; PE loaders ignore
/// what follows the image:
/// <c>SHA-256 of image and constants (32) | key digest (32) | image length, u32 | constant count, u32 | "TSRCODE2"</c>.
/// An entry is written to a temporary file in the same directory and renamed into place, so readers
/// see a whole entry or none; the checksum catches what a rename cannot (a crash before the data
/// reached the disk, a bit flipped later, a file truncated by hand), so no fsync is needed.
/// </summary>
internal static class CacheEntry
{
    private static ReadOnlySpan<byte> Magic => "TSRCODE2"u8;
    private const int TrailerLength = 32 + 32 + 4 + 4 + 8;

    /// <summary>The image and constants inside <paramref name="file"/>, if it is a whole entry for <paramref name="key"/>.</summary>
    public static bool TryOpen(byte[] file, ReadOnlySpan<byte> key, out ArraySegment<byte> image, out ulong[] constants)
    {
        image = default;
        constants = [];
        if (file.Length < TrailerLength) return false;
        var trailer = file.AsSpan(file.Length - TrailerLength);
        if (!trailer[^8..].SequenceEqual(Magic)) return false;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(trailer[64..68]);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(trailer[68..72]);
        long body = file.Length - TrailerLength;
        if ((ulong)length + (ulong)count * 8 != (ulong)body) return false;
        if (!trailer[32..64].SequenceEqual(key)) return false;
        Span<byte> checksum = stackalloc byte[32];
        Sha256.HashData(file.AsSpan(0, (int)body), checksum);
        if (!checksum.SequenceEqual(trailer[..32])) return false;
        image = new ArraySegment<byte>(file, 0, (int)length);
        constants = new ulong[count];
        var slots = file.AsSpan((int)length, (int)count * 8);
        for (int i = 0; i < constants.Length; i++) constants[i] = BinaryPrimitives.ReadUInt64LittleEndian(slots[(i * 8)..]);
        return true;
    }

    /// <summary>Writes an entry atomically; throws <see cref="IOException"/> or
    /// <see cref="UnauthorizedAccessException"/> if it cannot, leaving no temporary file behind.</summary>
    public static void Write(string path, ReadOnlySpan<byte> image, ReadOnlySpan<ulong> constants, ReadOnlySpan<byte> key)
    {
        var slots = new byte[constants.Length * 8];
        for (int i = 0; i < constants.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(slots.AsSpan(i * 8), constants[i]);

        Span<byte> trailer = stackalloc byte[TrailerLength];
        var hash = new Sha256();
        hash.Append(image);
        hash.Append(slots);
        hash.GetHashAndReset(trailer[..32]);
        key.CopyTo(trailer[32..64]);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[64..68], (uint)image.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[68..72], (uint)constants.Length);
        Magic.CopyTo(trailer[72..]);

        // Unique per writer, so concurrent writers of one entry never share a temporary file; the
        // last rename wins, and every candidate is a whole, valid entry.
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(image);
                stream.Write(slots);
                stream.Write(trailer);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do: an orphaned temporary file is never read as an entry.
            }
            throw;
        }
    }
}
