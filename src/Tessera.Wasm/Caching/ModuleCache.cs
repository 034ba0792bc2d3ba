using Tessera.Wasm.Compilation;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Caching;

/// <summary>
/// Compiled modules on disk, so a module is compiled once per engine build rather than once per
/// process. An entry holds the module's generated code as a PE image (<see cref="CodeImage"/>);
/// decoding and validation still run on every load (they are fast, and the decoded module is what
/// instances are built from). Entries live in
/// <c>DIRECTORY/modules/ENGINE-ID/SHA256-FEATURES.dll</c> (<see cref="CacheKey"/>).
/// </summary>
/// <remarks>
/// The cache never makes a module fail: an entry that cannot be read or is not valid is compiled
/// again and rewritten; an entry that cannot be written (read-only or full disk) is skipped and
/// counted (<see cref="Statistics"/>). Safe for concurrent use by threads and processes: entries
/// are written to a temporary file and renamed into place (<see cref="CacheEntry"/>).
/// </remarks>
public sealed class ModuleCache
{
    private long _hits, _misses, _writes, _rejected, _writeFailures;

    /// <param name="directory">The cache's root directory; created when the first entry is written.</param>
    public ModuleCache(string directory)
    {
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>
    /// <c>$XDG_CACHE_HOME/tessera</c> when that is set to an absolute path, else the platform's
    /// cache folder: <c>~/.cache/tessera</c> on Linux, <c>~/Library/Caches/tessera</c> on macOS,
    /// <c>%LOCALAPPDATA%\tessera\cache</c> on Windows. Null when there is no home directory.
    /// </summary>
    public static string? DefaultDirectory
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "tessera");
            if (OperatingSystem.IsWindows())
            {
                string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
                return local.Length == 0 ? null : Path.Combine(local, "tessera", "cache");
            }
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (home.Length == 0) return null;
            return OperatingSystem.IsMacOS() ? Path.Combine(home, "Library", "Caches", "tessera") : Path.Combine(home, ".cache", "tessera");
        }
    }

    /// <summary>The root directory.</summary>
    public string Directory { get; }

    /// <summary>The directory of this engine build's entries; other builds' siblings can be deleted.</summary>
    public string EngineDirectory => Path.Combine(Directory, "modules", CacheKey.EngineId);

    public ModuleCacheStatistics Statistics => new(
        Interlocked.Read(ref _hits), Interlocked.Read(ref _misses), Interlocked.Read(ref _writes),
        Interlocked.Read(ref _rejected), Interlocked.Read(ref _writeFailures));

    /// <summary>The code of <paramref name="module"/> (decoded from <paramref name="bytes"/> with
    /// <paramref name="features"/>, and valid), for <paramref name="bounds"/>: loaded from its
    /// entry, or compiled and stored.</summary>
    internal CompiledModule GetOrCompile(ModuleDefinition module, ReadOnlySpan<byte> bytes, WasmFeatures features, bool collectible = true, BoundsChecks bounds = BoundsChecks.Explicit)
    {
        Span<byte> digest = stackalloc byte[32];
        Sha256.HashData(bytes, digest);
        byte[] key = CacheKey.Digest(digest, features, bounds);
        string path = Path.Combine(EngineDirectory, CacheKey.FileName(digest, features, bounds));
        string name = "Tessera.Module." + CacheKey.Hex(digest[..8]);

        if (TryLoad(path, key, module, name, collectible) is { } cached)
        {
            Interlocked.Increment(ref _hits);
            return cached;
        }
        Interlocked.Increment(ref _misses);
        var (image, constants) = CodeImage.Compile(module, name, bounds);
        TryWrite(path, image, constants, key);
        return CodeImage.Load(module, new ArraySegment<byte>(image), constants, name, collectible);
    }

    private CompiledModule? TryLoad(string path, byte[] key, ModuleDefinition module, string name, bool collectible)
    {
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Interlocked.Increment(ref _rejected);
            return null;
        }
        try
        {
            if (CacheEntry.TryOpen(file, key, out var image, out var constants)) return CodeImage.Load(module, image, constants, name, collectible);
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidDataException or FileLoadException)
        {
            // A checksummed image that still does not load was written by a broken engine build;
            // it is replaced like any other bad entry.
        }
        Interlocked.Increment(ref _rejected);
        return null;
    }

    private void TryWrite(string path, byte[] image, ulong[] constants, byte[] key)
    {
        try
        {
            System.IO.Directory.CreateDirectory(EngineDirectory);
            CacheEntry.Write(path, image, constants, key);
            Interlocked.Increment(ref _writes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Interlocked.Increment(ref _writeFailures);
        }
    }
}
