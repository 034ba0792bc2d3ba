using System.Diagnostics;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>
/// <see cref="Module.FromFile"/> reads only a regular file: what is not one is an
/// <see cref="IOException"/> naming the file and the problem, before a byte is read, never a
/// hang on a FIFO or an endless read of a device; a file past the engine's module size is a
/// <see cref="WasmLimitException"/>.
/// </summary>
public sealed class ModuleFromFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tessera-fromfile-");
    private readonly Engine _engine = new();

    public void Dispose() => _dir.Delete(recursive: true);

    private void AssertRefused(string path, string problem)
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<IOException>(() => Module.FromFile(_engine, path));
        Assert.Equal($"{path}: {problem}", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void ADirectoryIsNamedAsOne() => AssertRefused(_dir.FullName, "is a directory, not a regular file");

    [Fact]
    public void ADeviceIsRefusedWithoutReadingIt() => AssertRefused("/dev/zero", "is a device, not a regular file");

    [Fact]
    public void AMissingFileIsNamed() => AssertRefused(Path.Combine(_dir.FullName, "missing.wasm"), "no such file");

    [Fact]
    public void AFifoWithoutAWriterIsRefusedWithoutWaiting()
    {
        string fifo = Path.Combine(_dir.FullName, "pipe");
        using (var mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        AssertRefused(fifo, "is a FIFO, not a regular file");
    }

    [Fact]
    public void AFileLargerThanTheModuleLimitIsALimitError()
    {
        string path = Path.Combine(_dir.FullName, "big.wat");
        File.WriteAllText(path, "(module)" + new string(' ', 2_000));
        var small = new Engine(options: new EngineOptions { Limits = new EngineLimits { MaxModuleBytes = 1_000 } });
        var e = Assert.Throws<WasmLimitException>(() => Module.FromFile(small, path));
        Assert.Equal(2_008, e.Value);
        Assert.Equal(1_000, e.Maximum);
        // Within the default limit the same file is a module with nothing in it.
        Assert.Empty(Module.FromFile(_engine, path).Definition.Exports);
    }
}
