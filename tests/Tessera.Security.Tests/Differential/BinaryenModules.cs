using System.Diagnostics;
using System.Globalization;

namespace Tessera.Security.Tests.Differential;

/// <summary>
/// Random valid modules from binaryen's <c>wasm-opt -ttf</c> (Debian package binaryen), which
/// turns arbitrary bytes into a valid module: functions over every MVP type, SIMD, bulk memory,
/// tail calls, multi-value, with calls to logging imports and a hang limit that bounds loops and
/// recursion. <c>--denan</c> keeps NaNs out of every value, so memory and vector bits compare
/// exactly. The input bytes come from a seeded generator, so a seed always gives the same
/// modules; they are written once to a cache directory under the system's temporary directory
/// (a process start per module is the slow part) and never committed.
/// </summary>
internal static class BinaryenModules
{
    private static readonly string[] Features =
    [
        "--enable-sign-ext", "--enable-mutable-globals", "--enable-nontrapping-float-to-int",
        "--enable-bulk-memory", "--enable-multivalue", "--enable-simd", "--enable-tail-call",
        // Not --enable-reference-types: binaryen 108 still types funcref as a subtype of externref
        // (the withdrawn anyref design), so its modules are invalid under WebAssembly 2.0.
    ];

    /// <summary>The module made from seed <paramref name="seed"/>, index <paramref name="index"/>.</summary>
    public static byte[] Get(int seed, int index)
    {
        string path = PathOf(seed, index);
        if (!File.Exists(path)) Generate(seed, index, path);
        return File.ReadAllBytes(path);
    }

    /// <summary>Makes modules 0 to count-1 of a seed ahead of use, on every core.</summary>
    public static void Prepare(int seed, int count) =>
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            string path = PathOf(seed, i);
            if (!File.Exists(path)) Generate(seed, i, path);
        });

    private static string PathOf(int seed, int index) =>
        Path.Combine(Path.GetTempPath(), "tessera-fuzz", "binaryen-108", seed.ToString(CultureInfo.InvariantCulture), index.ToString(CultureInfo.InvariantCulture) + ".wasm");

    /// <summary>The input bytes: their length sets the module's size (binaryen reads until it
    /// runs out), from 64 bytes (a function or two) to 4 KiB (dozens).</summary>
    private static byte[] InputOf(int seed, int index)
    {
        var random = new Random(unchecked(seed * 1_000_033 + index));
        var bytes = new byte[random.Next(64, 4096)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static void Generate(int seed, int index, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string input = path + ".in";
        string output = path + ".tmp";
        File.WriteAllBytes(input, InputOf(seed, index));
        var start = new ProcessStartInfo("wasm-opt") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-ttf", input }.Concat(Features).Concat(["--denan", "-o", output])) start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("wasm-opt not found: install binaryen (scripts/install-deps.sh)", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"wasm-opt -ttf failed on module {index} of seed {seed}: {stderr.Result}");
        }
        File.Delete(input);
        // Renamed into place last, so an interrupted run leaves no half-written module behind.
        File.Move(output, path, overwrite: true);
    }
}
