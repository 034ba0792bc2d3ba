using System.Diagnostics;

namespace Tessera.Wasm.Tests;

/// <summary>Runs wabt's <c>wat2wasm</c> (Debian package wabt), an independent assembler used as an oracle.</summary>
internal static class Wabt
{
    /// <summary>Runs <c>wasm-validate</c>; returns null if the module is valid, else wabt's message.</summary>
    public static string? Validate(byte[] wasm)
    {
        var path = Path.Combine(Path.GetTempPath(), $"tessera-validate-{Guid.NewGuid():N}.wasm");
        File.WriteAllBytes(path, wasm);
        try
        {
            var (exitCode, stderr) = Run("wasm-validate", path);
            return exitCode == 0 ? null : stderr;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (int ExitCode, string Stderr) Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = stdout.Result;
        return (process.ExitCode, stderr);
    }

    /// <summary>Assembles <paramref name="wat"/> with all features enabled; throws with wabt's message if it fails.</summary>
    public static byte[] Wat2Wasm(string wat, bool check = true)
    {
        var dir = Directory.CreateTempSubdirectory("tessera-wabt-");
        try
        {
            var input = Path.Combine(dir.FullName, "m.wat");
            var output = Path.Combine(dir.FullName, "m.wasm");
            File.WriteAllText(input, wat);
            var args = check ? new[] { "--enable-all", input, "-o", output } : ["--enable-all", "--no-check", input, "-o", output];
            var (exitCode, stderr) = Run("wat2wasm", args);
            if (exitCode != 0) throw new InvalidOperationException("wat2wasm failed: " + stderr);
            return File.ReadAllBytes(output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
