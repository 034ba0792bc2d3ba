using System.Diagnostics;
using System.Globalization;

namespace Tessera.Wasm.Bench;

/// <summary>A benchmark kernel: guest/bench/NAME.c built to NAME.wasm, exporting <c>run(i32) -> i64</c>.</summary>
/// <param name="Name">The kernel's name (its source file without .c).</param>
/// <param name="BenchN">The argument the engine benchmark times.</param>
/// <param name="TestN">The small argument the tests use.</param>
/// <param name="ExtraFlags">Extra clang flags from kernels.txt (e.g. -msimd128).</param>
internal sealed record BenchKernel(string Name, int BenchN, int TestN, string[] ExtraFlags)
{
    /// <summary>True when the kernel is built with WebAssembly SIMD.</summary>
    public bool UsesSimd => ExtraFlags.Contains("-msimd128");
}

/// <summary>
/// The kernel set of guest/bench: the list in kernels.txt, the build (guest/bench/build.sh, which
/// compiles each kernel to wasm with clang-14 and natively as the reference), and the expected
/// results the native build computed. One source file shared by the benchmark and the tests.
/// </summary>
internal sealed class BenchKernels
{
    private readonly Dictionary<(string, int), long> _expected;

    private BenchKernels(string outputDirectory, IReadOnlyList<BenchKernel> kernels, Dictionary<(string, int), long> expected)
    {
        OutputDirectory = outputDirectory;
        Kernels = kernels;
        _expected = expected;
    }

    /// <summary>Where build.sh put the .wasm files and expected.tsv.</summary>
    public string OutputDirectory { get; }

    public IReadOnlyList<BenchKernel> Kernels { get; }

    public string WasmPath(string name) => Path.Combine(OutputDirectory, name + ".wasm");

    /// <summary>The native reference build's result of <c>run(n)</c>.</summary>
    public long Expected(BenchKernel kernel, int n) =>
        _expected.TryGetValue((kernel.Name, n), out long value) ? value : throw new KeyNotFoundException($"no expected result for {kernel.Name}({n}) in expected.tsv");

    /// <summary>Reads guest/bench/kernels.txt (no build needed).</summary>
    public static IReadOnlyList<BenchKernel> List(string repoRoot)
    {
        var kernels = new List<BenchKernel>();
        foreach (var line in File.ReadLines(Path.Combine(repoRoot, "guest", "bench", "kernels.txt")))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0].StartsWith('#')) continue;
            if (fields.Length < 3) throw new FormatException("kernels.txt: expected NAME BENCH_N TEST_N [FLAGS...], got: " + line);
            kernels.Add(new BenchKernel(fields[0], ParseInt(fields[1]), ParseInt(fields[2]), fields[3..]));
        }
        return kernels;
    }

    /// <summary>Runs guest/bench/build.sh into <paramref name="outputDirectory"/> and loads the result.
    /// Throws, with the script's output, when the build fails (for example clang-14 missing).</summary>
    public static BenchKernels Build(string repoRoot, string outputDirectory)
    {
        var script = Path.Combine(repoRoot, "guest", "bench", "build.sh");
        var psi = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(outputDirectory);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start bash");
        // Read both streams concurrently so neither pipe can fill and stall the script.
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} failed (exit {process.ExitCode}); it needs clang-14 and lld-14 (scripts/install-deps.sh):\n{stderr}{stdout.Result}");
        return Load(repoRoot, outputDirectory);
    }

    /// <summary>Loads an existing build.</summary>
    public static BenchKernels Load(string repoRoot, string outputDirectory)
    {
        var expected = new Dictionary<(string, int), long>();
        foreach (var line in File.ReadLines(Path.Combine(outputDirectory, "expected.tsv")))
        {
            var f = line.Split('\t');
            if (f.Length != 3) throw new FormatException("expected.tsv: " + line);
            expected[(f[0], ParseInt(f[1]))] = long.Parse(f[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        return new BenchKernels(outputDirectory, List(repoRoot), expected);
    }

    private static int ParseInt(string s) => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
}
