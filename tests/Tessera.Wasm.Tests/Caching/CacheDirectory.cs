namespace Tessera.Wasm.Tests.Caching;

/// <summary>A fresh temporary directory for one test's cache, deleted afterwards.</summary>
internal sealed class CacheDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tessera-cache-test-" + Guid.NewGuid().ToString("N"));

    /// <summary>The cache files (entries and any temporary files) below <see cref="Path"/>.</summary>
    public string[] Files() => Directory.Exists(Path) ? Directory.GetFiles(Path, "*", SearchOption.AllDirectories) : [];

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
