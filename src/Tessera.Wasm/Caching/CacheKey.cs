using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Tessera.Wasm.Caching;

/// <summary>
/// What a cache entry's code depends on, in two parts. The engine part (<see cref="EngineId"/>)
/// names a directory: one per build of the compiler and runtime, so entries of an old build are
/// never read and can be deleted together. The module part names the file: the SHA-256 of the
/// module's bytes, the enabled features and the kind of bounds checks.
/// </summary>
/// <remarks>
/// Computed from numbers, not text, on purpose: this runs at the start of every cached
/// <c>tessera run</c>, and formatting a GUID, an enum and an interpolated description, reading a
/// custom attribute and probing instruction sets cost about 13 ms there (all of it first-call JIT
/// and reflection), against a whole run of under 200 ms. The CPU is not part of the key: entries
/// hold IL, which the JIT compiles for whatever CPU loads it, and the compiler emits the same IL on
/// every CPU. Caching machine code (ReadyToRun images) would have to add it.
/// </remarks>
internal static class CacheKey
{
    /// <summary>
    /// Bump when the meaning of a cached image changes without Tessera.Wasm's code changing (the
    /// entry file's layout, say). Code changes need no bump: the engine id includes the module
    /// version id of Tessera.Wasm.dll, which a deterministic build derives from its content.
    /// </summary>
    public const int Format = 2;

    /// <summary>The SHA-256 of the engine's identity: <see cref="Format"/>, Tessera.Wasm's module
    /// version id, the runtime's version and the process architecture.</summary>
    private static readonly byte[] s_engineDigest = DigestEngine();

    /// <summary>16 hex digits of the engine digest: the name of this build's entry directory.</summary>
    public static readonly string EngineId = Hex(s_engineDigest.AsSpan(0, 8));

    /// <summary>The file name of a module's entry in its engine directory.</summary>
    public static string FileName(ReadOnlySpan<byte> moduleDigest, WasmFeatures features, Runtime.BoundsChecks bounds = Runtime.BoundsChecks.Explicit) =>
        string.Concat(Hex(moduleDigest), "-", ((ulong)features).ToString("x"), BoundsSuffix(bounds), ".dll");

    /// <summary>Lower-case hexadecimal. Not <see cref="Convert.ToHexStringLower(ReadOnlySpan{byte})"/>:
    /// its vectorized code is JIT-compiled on first use, about 3 ms of a cached run's start.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes)
    {
        Span<char> text = bytes.Length <= 64 ? stackalloc char[bytes.Length * 2] : new char[bytes.Length * 2];
        for (int i = 0; i < bytes.Length; i++)
        {
            text[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
            text[2 * i + 1] = "0123456789abcdef"[bytes[i] & 0xf];
        }
        return new string(text);
    }

    /// <summary>Code compiled for guard pages has no bounds checks: it must never be loaded for an
    /// engine with explicit checks, so it has its own entry. Explicit entries keep the plain name.</summary>
    private static string BoundsSuffix(Runtime.BoundsChecks bounds) => bounds == Runtime.BoundsChecks.Explicit ? "" : "-guard";

    /// <summary>The whole key, stored in the entry and compared on read, so an entry copied or
    /// renamed into the wrong place is never taken for another module's code: the SHA-256 of the
    /// engine digest, the module digest, the features and the bounds checks.</summary>
    public static byte[] Digest(ReadOnlySpan<byte> moduleDigest, WasmFeatures features, Runtime.BoundsChecks bounds = Runtime.BoundsChecks.Explicit)
    {
        var hash = new Sha256();
        hash.Append(s_engineDigest);
        hash.Append(moduleDigest);
        Span<byte> rest = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(rest, (ulong)features);
        BinaryPrimitives.WriteInt32LittleEndian(rest[8..], (int)bounds);
        hash.Append(rest);
        var digest = new byte[Sha256.HashLength];
        hash.GetHashAndReset(digest);
        return digest;
    }

    private static byte[] DigestEngine()
    {
        // The runtime is named by its core library's module version id (Environment.Version reads a
        // custom attribute, which is what made this slow).
        Span<byte> identity = stackalloc byte[4 + 16 + 16 + 4];
        BinaryPrimitives.WriteInt32LittleEndian(identity, Format);
        typeof(CacheKey).Assembly.ManifestModule.ModuleVersionId.TryWriteBytes(identity[4..]);
        typeof(object).Assembly.ManifestModule.ModuleVersionId.TryWriteBytes(identity[20..]);
        BinaryPrimitives.WriteInt32LittleEndian(identity[36..], (int)RuntimeInformation.ProcessArchitecture);
        return Sha256.HashData(identity);
    }
}
