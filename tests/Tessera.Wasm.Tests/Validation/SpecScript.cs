using System.Diagnostics;
using System.Text.Json;

namespace Tessera.Wasm.Tests.Validation;

/// <summary>
/// A spec-suite script converted by wabt's <c>wast2json</c>: every module of the script as a
/// binary, with what the script expects of it. Only the commands that concern decoding and
/// validation are kept.
/// </summary>
internal sealed class SpecScript
{
    public enum Expectation { Valid, Invalid, Malformed }

    /// <summary>One module: its binary, the expectation, the expected message and the script line.</summary>
    public sealed record Case(byte[] Wasm, Expectation Expected, string Text, int Line);

    public required string Name { get; init; }
    public required List<Case> Cases { get; init; }

    /// <summary>Converts <paramref name="wastPath"/> (all features enabled in wabt's parser).</summary>
    public static SpecScript Load(string wastPath)
    {
        var dir = Directory.CreateTempSubdirectory("tessera-wast-");
        try
        {
            string json = Path.Combine(dir.FullName, "script.json");
            var psi = new ProcessStartInfo("wast2json") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "--enable-all", "--no-check", wastPath, "-o", json }) psi.ArgumentList.Add(a);
            using (var process = Process.Start(psi)!)
            {
                string stderr = process.StandardError.ReadToEnd();
                process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0) throw new InvalidOperationException($"wast2json {wastPath} failed: {stderr}");
            }
            var cases = new List<Case>();
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            foreach (var command in doc.RootElement.GetProperty("commands").EnumerateArray())
            {
                string type = command.GetProperty("type").GetString()!;
                var expectation = type switch
                {
                    "module" or "assert_unlinkable" or "assert_uninstantiable" => Expectation.Valid,
                    "assert_invalid" => Expectation.Invalid,
                    "assert_malformed" => Expectation.Malformed,
                    _ => (Expectation?)null,
                };
                if (expectation is null) continue;
                if (command.TryGetProperty("module_type", out var moduleType) && moduleType.GetString() != "binary") continue;
                string file = command.GetProperty("filename").GetString()!;
                string text = command.TryGetProperty("text", out var t) ? t.GetString()! : "";
                cases.Add(new Case(File.ReadAllBytes(Path.Combine(dir.FullName, file)), expectation.Value, text, command.GetProperty("line").GetInt32()));
            }
            return new SpecScript { Name = Path.GetFileName(wastPath), Cases = cases };
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
