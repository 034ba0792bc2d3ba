using System.Diagnostics;

namespace Tessera.Wasm.Tests;

/// <summary>Runs wabt's <c>wat2wasm</c> (Debian package wabt), an independent assembler used as an oracle.</summary>
internal static class Wabt
{
    /// <summary>Assembles <paramref name="wat"/> with all features enabled; throws with wabt's message if it fails.</summary>
    public static byte[] Wat2Wasm(string wat, bool check = true)
    {
        var dir = Directory.CreateTempSubdirectory("tessera-wabt-");
        try
        {
            var input = Path.Combine(dir.FullName, "m.wat");
            var output = Path.Combine(dir.FullName, "m.wasm");
            File.WriteAllText(input, wat);
            var psi = new ProcessStartInfo("wat2wasm") { RedirectStandardError = true, RedirectStandardOutput = true };
            psi.ArgumentList.Add("--enable-all");
            if (!check) psi.ArgumentList.Add("--no-check");
            psi.ArgumentList.Add(input);
            psi.ArgumentList.Add("-o");
            psi.ArgumentList.Add(output);
            using var process = Process.Start(psi)!;
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException("wat2wasm failed: " + stderr);
            return File.ReadAllBytes(output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
