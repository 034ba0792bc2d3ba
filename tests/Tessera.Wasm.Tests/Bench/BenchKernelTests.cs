using Tessera.Wasm.Bench;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Bench;

/// <summary>Builds guest/bench once (clang-14 to wasm, and natively for the expected results) for
/// all the kernel tests. A failed build (clang-14 or lld-14 missing, a compile error) fails every
/// test with build.sh's message: nothing is skipped.</summary>
public sealed class BenchKernelBuild
{
    private readonly Lazy<BenchKernels> _kernels = new(() =>
        BenchKernels.Build(TestPaths.RepoRoot, Path.Combine(TestPaths.RepoRoot, ".build", "guest-bench-tests")));

    internal BenchKernels Kernels => _kernels.Value;
}

/// <summary>
/// The engine benchmark's kernels (guest/bench) run under Tessera with their small test argument,
/// each result checked against the same C built natively, and a few against known constants that
/// owe nothing to either build.
/// </summary>
public class BenchKernelTests(BenchKernelBuild build) : IClassFixture<BenchKernelBuild>
{
    private static readonly Engine s_engine = new();

    public static TheoryData<string> KernelNames() => [.. BenchKernels.List(TestPaths.RepoRoot).Select(k => k.Name)];

    [Fact]
    public void TheSetHasTheKernelsTheIssueAsksFor()
    {
        var names = BenchKernels.List(TestPaths.RepoRoot).Select(k => k.Name).ToHashSet();
        string[] required = ["matmul", "fft", "sha256", "nbody", "sieve", "sort", "json", "interp", "memops", "fib", "indirect", "simd"];
        Assert.Empty(required.Except(names));
        Assert.Contains(BenchKernels.List(TestPaths.RepoRoot), k => k.UsesSimd);
    }

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void KernelComputesTheNativeResult(string name)
    {
        var kernels = build.Kernels;
        var kernel = kernels.Kernels.Single(k => k.Name == name);
        long expected = kernels.Expected(kernel, kernel.TestN);
        var run = Instantiate(kernels, name).GetFunc("run")!;
        Assert.Equal(expected, run.Invoke(Value.I32(kernel.TestN))[0].AsI64());
        // A second call on the same instance gives the same result: the benchmark times repeated calls.
        Assert.Equal(expected, run.Invoke(Value.I32(kernel.TestN))[0].AsI64());
    }

    /// <summary>The kernels compiled preemptible, run as a suspendable call asked to yield at every
    /// loop head it reaches (the first 100,000 times): each yield saves the frames (only the locals
    /// live there), unwinds and resumes, and the result must still be the native one.</summary>
    [Theory]
    [MemberData(nameof(KernelNames))]
    public void KernelComputesTheNativeResultWhenItYieldsAtEveryLoopHead(string name)
    {
        var kernels = build.Kernels;
        var kernel = kernels.Kernels.Single(k => k.Name == name);
        long expected = kernels.Expected(kernel, kernel.TestN);
        var engine = new Engine(options: new EngineOptions { Preemptible = true });
        var instance = new Linker().Instantiate(new Store(engine), Module.FromBytes(engine, File.ReadAllBytes(kernels.WasmPath(name))));
        var call = new SuspendableCall(instance.GetFunc("run")!);
        // A frame restored wrong can loop forever: fail (an Interrupted trap) instead of hanging.
        using var watchdog = new Timer(_ => instance.Interrupt(), null, TimeSpan.FromSeconds(120), Timeout.InfiniteTimeSpan);
        int yields = 0;
        instance.RequestYield();
        bool done = call.Start(Value.I32(kernel.TestN));
        while (!done)
        {
            yields++;
            instance.TakeYieldRequest();
            if (yields < 100_000) instance.RequestYield();
            done = call.Resume();
        }
        Assert.Equal(expected, call.Results[0].AsI64());
        Assert.True(yields > 0, name + " never yielded");
    }

    [Theory]
    [InlineData("fib", 20, 6765)]
    [InlineData("fib", 25, 75025)]
    [InlineData("sieve", 100_000, 9592)] // pi(10^5)
    [InlineData("sieve", 1_000_000, 78498)] // pi(10^6)
    [InlineData("sha256", 0, unchecked((long)0xba7816bf8f01cfeaUL))] // FIPS 180-4 test vector: SHA-256("abc")
    public void KernelMatchesAKnownConstant(string name, int n, long expected) =>
        Assert.Equal(expected, Instantiate(build.Kernels, name).GetFunc("run")!.Invoke(Value.I32(n))[0].AsI64());

    [Fact]
    public void NBodyEnergyAfter1000StepsIsTheWellKnownValue()
    {
        long bits = Instantiate(build.Kernels, "nbody").GetFunc("run")!.Invoke(Value.I32(1000))[0].AsI64();
        Assert.Equal(-0.169087605, BitConverter.Int64BitsToDouble(bits), precision: 9);
    }

    [Fact]
    public void HostCallProbeCallsTheImportOncePerIteration()
    {
        int calls = 0;
        var linker = new Linker().Define("env", "inc", new Func(new FuncType([ValType.I32], [ValType.I32]), args =>
        {
            calls++;
            return [Value.I32(args[0].AsI32() + 1)];
        }));
        var module = Module.FromBytes(s_engine, File.ReadAllBytes(build.Kernels.WasmPath("hostcall")));
        var instance = linker.Instantiate(new Store(s_engine), module);
        Assert.Equal(1000, instance.GetFunc("run")!.Invoke(Value.I32(1000))[0].AsI64());
        Assert.Equal(1000, calls);
    }

    private static Instance Instantiate(BenchKernels kernels, string name) =>
        new Linker().Instantiate(new Store(s_engine), Module.FromBytes(s_engine, File.ReadAllBytes(kernels.WasmPath(name))));
}
