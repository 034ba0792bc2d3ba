using System.Diagnostics;
using System.Text.Json;

namespace Tessera.Wasm.Tests.Text;

/// <summary>
/// Runs wabt's <c>wast2json</c> (an independent assembler) on a script and reads, per command, the
/// module binary wabt produced. Used as the oracle for the assembler's output bytes.
/// </summary>
internal sealed class Wast2Json : IDisposable
{
    private readonly DirectoryInfo _dir;

    private Wast2Json(DirectoryInfo dir, IReadOnlyList<(string Type, int Line, string? Wasm)> commands)
    {
        _dir = dir;
        Commands = commands;
    }

    /// <summary>Per script command: its type, line, and the path of wabt's binary when wabt wrote one.</summary>
    public IReadOnlyList<(string Type, int Line, string? Wasm)> Commands { get; }

    /// <summary>Converts <paramref name="wastPath"/>; null when wast2json rejects the script (wabt 1.0.32
    /// predates parts of the 3.0 text format).</summary>
    public static Wast2Json? Run(string wastPath)
    {
        var dir = Directory.CreateTempSubdirectory("tessera-wast2json-");
        var json = Path.Combine(dir.FullName, "script.json");
        var psi = new ProcessStartInfo("wast2json") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "--enable-all", "--no-check", wastPath, "-o", json }) psi.ArgumentList.Add(a);
        using (var process = Process.Start(psi)!)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            _ = stdout.Result;
            if (process.ExitCode != 0)
            {
                dir.Delete(recursive: true);
                return null;
            }
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var commands = new List<(string, int, string?)>();
        foreach (var c in doc.RootElement.GetProperty("commands").EnumerateArray())
        {
            string? wasm = null;
            if (c.TryGetProperty("filename", out var f) && f.GetString() is { } name && name.EndsWith(".wasm", StringComparison.Ordinal)) wasm = Path.Combine(dir.FullName, name);
            commands.Add((c.GetProperty("type").GetString()!, c.GetProperty("line").GetInt32(), wasm));
        }
        return new Wast2Json(dir, commands);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
