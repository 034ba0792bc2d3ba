using Tessera.Kernel.Tasks;
using Tessera.Wasi;
using Tessera.Wasm.Runtime;

namespace Tessera.Kernel.Tests.Reactor;

/// <summary>
/// Tasks that hand WASI what once crashed the host (an 8 MiB path name: "Stack overflow." in a
/// host helper) or what lies past their memory, beside tasks that compute: each hostile call is an
/// errno to the task that made it, and every task, hostile or not, ends normally with its value.
/// </summary>
public sealed class HostileWasiCallTests : IDisposable
{
    private readonly Kernel _kernel = new(new KernelOptions { Workers = 2 });
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tessera-hostile-");

    public void Dispose()
    {
        _kernel.Dispose();
        _dir.Delete(recursive: true);
    }

    /// <summary>130 pages are 8,519,680 bytes. huge: path_filestat_get of one 8 MiB component
    /// under the preopen (descriptor 3); past: the same with a path that runs past the memory's
    /// end; sum: 1 + 2 + ... + n.</summary>
    private const string Program = """
        (module
          (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
          (memory 130)
          (func (export "huge") (result i32)
            (memory.fill (i32.const 65536) (i32.const 97) (i32.const 8388608))
            (call $stat (i32.const 3) (i32.const 0) (i32.const 65536) (i32.const 8388608) (i32.const 0)))
          (func (export "past") (result i32)
            (call $stat (i32.const 3) (i32.const 0) (i32.const 8519000) (i32.const 1000000) (i32.const 0)))
          (func (export "sum") (param $n i32) (result i32) (local $s i32)
            (loop $l
              (local.set $s (i32.add (local.get $s) (local.get $n)))
              (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
            (local.get $s)))
        """;

    [Fact]
    public async Task HostileWasiCallsAreErrnosToTheirTaskAlone()
    {
        using var wasi = new WasiContext(new WasiConfiguration().WithPreopen(_dir.FullName, "/work"));
        var module = _kernel.Load(Program);
        var huge = Enumerable.Range(0, 4).Select(_ => _kernel.Spawn(module, "huge", wasi)).ToArray();
        var past = Enumerable.Range(0, 4).Select(_ => _kernel.Spawn(module, "past", wasi)).ToArray();
        var sums = Enumerable.Range(1, 50).Select(n => _kernel.Spawn(module, "sum", wasi, Value.I32(n * 100))).ToArray();
        var ends = await Task.WhenAll(huge.Concat(past).Concat(sums).Select(h => h.Exited)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(ends, end => Assert.Equal(ExitKind.Normal, end.Kind));
        // The witx's errno numbering: nametoolong is 37, fault 21.
        Assert.All(ends[..4], end => Assert.Equal(37, end.Results[0].AsI32()));
        Assert.All(ends[4..8], end => Assert.Equal(21, end.Results[0].AsI32()));
        for (int n = 1; n <= 50; n++)
        {
            int top = n * 100;
            Assert.Equal(top * (top + 1) / 2, ends[7 + n].Results[0].AsI32());
        }
        // The directory the preopen names is as it was: empty.
        Assert.Empty(_dir.EnumerateFileSystemInfos());
    }
}
