using System.Runtime.CompilerServices;
using Tessera.Wasm.Caching;
using Tessera.Wasm.Runtime;
using Tessera.Wasm.Text;

namespace Tessera.Wasm.Tests.Caching;

/// <summary>The on-disk cache of compiled modules: hits, keys, damaged entries, unwritable
/// directories and concurrent writers, always with the same results as compiling.</summary>
public class ModuleCacheTests
{
    private const string Wat = """
        (module $m
          (func $fib (export "fib") (param i32) (result i32)
            (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
              (then (local.get 0))
              (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                             (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
          (func $inner (i32.div_u (i32.const 1) (i32.const 0)) drop)
          (func $outer (export "trap") (call $inner)))
        """;

    private static readonly byte[] s_bytes = WatAssembler.AssembleText(Wat);

    private static Engine CachedEngine(string directory, WasmFeatures features = WasmFeatures.Wasm2) =>
        new(features, new EngineOptions { UseCache = true, CacheDirectory = directory });

    private static int Fib(Module module, int n) =>
        new Linker().Instantiate(new Store(module.Engine), module).GetFunc("fib")!.Invoke(Value.I32(n))[0].AsI32();

    [Fact]
    public void TheSecondLoadIsAHitAndCompilesNothing()
    {
        using var dir = new CacheDirectory();
        var first = CachedEngine(dir.Path);
        Assert.Equal(6765, Fib(Module.FromBytes(first, s_bytes), 20));
        Assert.Equal(new ModuleCacheStatistics(Hits: 0, Misses: 1, Writes: 1, Rejected: 0, WriteFailures: 0), first.Cache!.Statistics);
        Assert.Single(dir.Files(), f => f.EndsWith(".dll", StringComparison.Ordinal));

        // A new engine is what a second process has: nothing in memory, only the directory.
        var second = CachedEngine(dir.Path);
        Assert.Equal(6765, Fib(Module.FromBytes(second, s_bytes), 20));
        Assert.Equal(new ModuleCacheStatistics(Hits: 1, Misses: 0, Writes: 0, Rejected: 0, WriteFailures: 0), second.Cache!.Statistics);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CodeKeptForTheProcessRunsTheSameFromTheCacheOrNot(bool useCache)
    {
        using var dir = new CacheDirectory();
        Engine NewEngine() => new(WasmFeatures.Wasm2, new EngineOptions { UseCache = useCache, CacheDirectory = dir.Path, CollectibleCode = false });
        // fib(25) = 75025; called often enough that the runtime recompiles the hot function.
        for (int i = 0; i < 3; i++)
        {
            var module = Module.FromBytes(NewEngine(), s_bytes);
            Assert.Equal(75025, Fib(module, 25));
            var trap = Assert.Throws<WasmTrap>(() => new Linker().Instantiate(new Store(module.Engine), module).GetFunc("trap")!.Invoke());
            Assert.Equal(TrapKind.IntegerDivideByZero, trap.Kind);
            Assert.Equal(["inner", "outer"], trap.Backtrace.Select(f => f.FunctionName).Take(2));
        }
        Assert.Equal(useCache ? 1 : 0, dir.Files().Count(f => f.EndsWith(".dll", StringComparison.Ordinal)));
    }

    [Fact]
    public void ModulesBelowTheMinimumSizeAreNotCached()
    {
        using var dir = new CacheDirectory();
        var engine = new Engine(WasmFeatures.Wasm2, new EngineOptions { UseCache = true, CacheDirectory = dir.Path, CacheMinimumBytes = s_bytes.Length + 1 });
        Assert.Equal(6765, Fib(Module.FromBytes(engine, s_bytes), 20));
        Assert.Empty(dir.Files());
        Assert.Equal(new ModuleCacheStatistics(Hits: 0, Misses: 0, Writes: 0, Rejected: 0, WriteFailures: 0), engine.Cache!.Statistics);

        var atTheMinimum = new Engine(WasmFeatures.Wasm2, new EngineOptions { UseCache = true, CacheDirectory = dir.Path, CacheMinimumBytes = s_bytes.Length });
        Assert.Equal(6765, Fib(Module.FromBytes(atTheMinimum, s_bytes), 20));
        Assert.Single(dir.Files(), f => f.EndsWith(".dll", StringComparison.Ordinal));
    }

    [Fact]
    public void CachingIsOffUnlessAskedFor()
    {
        Assert.Null(new Engine().Cache);
        Assert.Null(new Engine(WasmFeatures.Wasm2, new EngineOptions { CacheDirectory = "/nowhere" }).Cache);
    }

    [Fact]
    public void TheKeyChangesWithTheBytesAndTheFeatures()
    {
        using var dir = new CacheDirectory();
        Module.FromBytes(CachedEngine(dir.Path), s_bytes);
        // One more byte: a custom section, same code.
        byte[] other = [.. s_bytes, 0, 2, 1, (byte)'x'];
        var engine = CachedEngine(dir.Path);
        Module.FromBytes(engine, other);
        var withTailCalls = CachedEngine(dir.Path, WasmFeatures.Wasm2 | WasmFeatures.TailCall);
        Module.FromBytes(withTailCalls, s_bytes);
        Assert.Equal(1, engine.Cache!.Statistics.Misses);
        Assert.Equal(1, withTailCalls.Cache!.Statistics.Misses);
        Assert.Equal(3, dir.Files().Length);
    }

    [Fact]
    public void GuardPageCodeHasEntriesOfItsOwn()
    {
        // Code compiled for guard pages has no bounds checks: an engine with explicit checks must
        // never load it, nor the other way round.
        const string wat = """(module (memory 1) (func (export "l") (param i32) (result i64) (i64.load (local.get 0))))""";
        var bytes = WatAssembler.AssembleText(wat);
        using var dir = new CacheDirectory();
        Engine NewEngine(BoundsChecks bounds) => new(WasmFeatures.Wasm2, new EngineOptions { UseCache = true, CacheDirectory = dir.Path, BoundsChecks = bounds });
        foreach (var bounds in new[] { BoundsChecks.Explicit, BoundsChecks.GuardPages, BoundsChecks.Explicit, BoundsChecks.GuardPages })
        {
            var engine = NewEngine(bounds);
            var load = new Linker().Instantiate(new Store(engine), Module.FromBytes(engine, bytes)).GetFunc("l")!;
            Assert.Equal(TrapKind.MemoryOutOfBounds, Assert.Throws<WasmTrap>(() => load.Invoke(Value.I32(65529))).Kind);
        }
        var files = dir.Files().Where(f => f.EndsWith(".dll", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, files.Length);
        Assert.Single(files, f => f.EndsWith("-guard.dll", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("flipped")]
    [InlineData("empty")]
    [InlineData("garbage")]
    public void ADamagedEntryIsRebuilt(string damage)
    {
        using var dir = new CacheDirectory();
        Module.FromBytes(CachedEngine(dir.Path), s_bytes);
        string entry = Assert.Single(dir.Files());
        byte[] file = File.ReadAllBytes(entry);
        switch (damage)
        {
            case "truncated": File.WriteAllBytes(entry, file[..(file.Length / 2)]); break;
            case "flipped": file[file.Length / 3] ^= 0x40; File.WriteAllBytes(entry, file); break;
            case "empty": File.WriteAllBytes(entry, []); break;
            default: File.WriteAllBytes(entry, new byte[file.Length]); break;
        }

        var engine = CachedEngine(dir.Path);
        Assert.Equal(6765, Fib(Module.FromBytes(engine, s_bytes), 20));
        Assert.Equal(new ModuleCacheStatistics(Hits: 0, Misses: 1, Writes: 1, Rejected: 1, WriteFailures: 0), engine.Cache!.Statistics);
        // Rewritten whole (images are not byte-identical: each gets a fresh module version id).
        Assert.Equal(file.Length, new FileInfo(entry).Length);
        var again = CachedEngine(dir.Path);
        Module.FromBytes(again, s_bytes);
        Assert.Equal(1, again.Cache!.Statistics.Hits);
    }

    [Fact]
    public void AnEntryForAnotherKeyIsNotUsed()
    {
        using var dir = new CacheDirectory();
        var a = Module.FromBytes(CachedEngine(dir.Path), s_bytes);
        byte[] other = WatAssembler.AssembleText("""(module (func (export "fib") (param i32) (result i32) (i32.const 99)))""");
        Module.FromBytes(CachedEngine(dir.Path), other);
        var files = dir.Files();
        Assert.Equal(2, files.Length);
        // Swap the entries: each file now holds the other module's code under its own name.
        byte[] first = File.ReadAllBytes(files[0]);
        File.Copy(files[1], files[0], overwrite: true);
        File.WriteAllBytes(files[1], first);

        var engine = CachedEngine(dir.Path);
        Assert.Equal(6765, Fib(Module.FromBytes(engine, s_bytes), 20));
        Assert.Equal(99, Fib(Module.FromBytes(engine, other), 20));
        Assert.Equal(2, engine.Cache!.Statistics.Rejected);
    }

    [Fact]
    public void AnUnwritableDirectoryFallsBackToCompiling()
    {
        // A directory below a regular file can never be created, even by root (for whom permission
        // bits would not stop a write).
        using var dir = new CacheDirectory();
        Directory.CreateDirectory(dir.Path);
        string file = Path.Combine(dir.Path, "file");
        File.WriteAllText(file, "not a directory");
        var engine = CachedEngine(Path.Combine(file, "cache"));
        Assert.Equal(6765, Fib(Module.FromBytes(engine, s_bytes), 20));
        Assert.Equal(6765, Fib(Module.FromBytes(engine, s_bytes), 20));
        Assert.Equal(new ModuleCacheStatistics(Hits: 0, Misses: 2, Writes: 0, Rejected: 0, WriteFailures: 2), engine.Cache!.Statistics);
    }

    [Fact]
    public void AnUnreadableEntryIsRecompiled()
    {
        using var dir = new CacheDirectory();
        Module.FromBytes(CachedEngine(dir.Path), s_bytes);
        string entry = Assert.Single(dir.Files());
        // A directory where the entry should be: it can be neither read nor replaced.
        File.Delete(entry);
        Directory.CreateDirectory(entry);
        var engine = CachedEngine(dir.Path);
        Assert.Equal(6765, Fib(Module.FromBytes(engine, s_bytes), 20));
        var stats = engine.Cache!.Statistics;
        Assert.Equal((0, 1, 1, 1), (stats.Hits, stats.Misses, stats.Rejected, stats.WriteFailures));
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void TrapBacktracesNameFunctionsOfCachedCode()
    {
        using var dir = new CacheDirectory();
        string Backtrace(Engine engine)
        {
            var module = Module.FromBytes(engine, s_bytes);
            var trap = Assert.Throws<WasmTrap>(() => new Linker().Instantiate(new Store(engine), module).GetFunc("trap")!.Invoke());
            return string.Join(" | ", trap.Backtrace);
        }
        string compiled = Backtrace(new Engine());
        Assert.Equal("m!inner (func 1) | m!outer (func 2)", compiled);
        Assert.Equal(compiled, Backtrace(CachedEngine(dir.Path)));
        var warm = CachedEngine(dir.Path);
        Assert.Equal(compiled, Backtrace(warm));
        Assert.Equal(1, warm.Cache!.Statistics.Hits);
    }

    [Fact]
    public void ConcurrentWritersLeaveOneValidEntry()
    {
        using var dir = new CacheDirectory();
        const int Writers = 8;
        using var start = new Barrier(Writers);
        var engines = new Engine[Writers];
        var threads = Enumerable.Range(0, Writers).Select(i => new Thread(() =>
        {
            engines[i] = CachedEngine(dir.Path);
            start.SignalAndWait();
            Assert.Equal(6765, Fib(Module.FromBytes(engines[i], s_bytes), 20));
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(Writers, engines.Sum(e => e.Cache!.Statistics.Hits + e.Cache.Statistics.Misses));
        // No temporary file left behind, one entry, and it is whole.
        Assert.Single(dir.Files());
        var reader = CachedEngine(dir.Path);
        Assert.Equal(6765, Fib(Module.FromBytes(reader, s_bytes), 20));
        Assert.Equal(1, reader.Cache!.Statistics.Hits);
    }

    [Fact]
    public void CodeLoadedFromTheCacheUnloads()
    {
        using var dir = new CacheDirectory();
        Module.FromBytes(CachedEngine(dir.Path), s_bytes);
        var assembly = LoadAndDrop(dir.Path);
        for (int i = 0; i < 50 && assembly.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(assembly.IsAlive, "the load context of a collected module's code was not unloaded");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadAndDrop(string directory)
    {
        var engine = CachedEngine(directory);
        var module = Module.FromBytes(engine, s_bytes);
        Assert.Equal(6765, Fib(module, 20));
        Assert.Equal(1, engine.Cache!.Statistics.Hits);
        return new WeakReference(module.Compiled.Methods[0].Module.Assembly);
    }

    [Fact]
    public void TheDefaultDirectoryFollowsXdgCacheHome()
    {
        string? saved = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/some/cache");
            Assert.Equal(Path.Combine("/some/cache", "tessera"), ModuleCache.DefaultDirectory);
            if (OperatingSystem.IsLinux())
            {
                Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "relative/is/ignored");
                Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "tessera"), ModuleCache.DefaultDirectory);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", saved);
        }
    }
}
