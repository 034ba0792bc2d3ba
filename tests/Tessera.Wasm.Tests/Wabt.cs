using System.Diagnostics;
using System.Text.Json;

namespace Tessera.Wasm.Tests;

/// <summary>
/// Runs wabt's tools (Debian package wabt, 1.0.32), an independent implementation used as an oracle:
/// <c>wat2wasm</c>, <c>wasm-validate</c> and <c>wast2json</c>. Every tool runs through
/// <see cref="Run"/> in a temporary directory that <see cref="InTempDirectory"/> deletes before
/// returning, so no path into it escapes this class.
/// </summary>
internal static class Wabt
{
    /// <summary>Runs <c>wasm-validate</c>; returns null if the module is valid, else wabt's message.</summary>
    public static string? Validate(byte[] wasm) => InTempDirectory(dir =>
    {
        var path = Path.Combine(dir, "m.wasm");
        File.WriteAllBytes(path, wasm);
        var (exitCode, stderr) = Run("wasm-validate", path);
        return exitCode == 0 ? null : stderr;
    });

    /// <summary>Assembles <paramref name="wat"/> with all features enabled; throws with wabt's message if it fails.</summary>
    /// <param name="wat">The module text.</param>
    /// <param name="check">False to pass <c>--no-check</c>, so that invalid modules assemble.</param>
    public static byte[] Wat2Wasm(string wat, bool check = true) => InTempDirectory(dir =>
    {
        var input = Path.Combine(dir, "m.wat");
        var output = Path.Combine(dir, "m.wasm");
        File.WriteAllText(input, wat);
        var args = check ? new[] { "--enable-all", input, "-o", output } : ["--enable-all", "--no-check", input, "-o", output];
        var (exitCode, stderr) = Run("wat2wasm", args);
        if (exitCode != 0) throw new InvalidOperationException("wat2wasm failed: " + stderr);
        return File.ReadAllBytes(output);
    });

    /// <summary>Converts the script at <paramref name="wastPath"/> with all features enabled and without
    /// validation; throws with wabt's message if wast2json rejects it.</summary>
    public static IReadOnlyList<Wast2JsonCommand> Wast2Json(string wastPath)
    {
        var (commands, stderr) = ConvertScript(wastPath);
        return commands ?? throw new InvalidOperationException($"wast2json {wastPath} failed: {stderr}");
    }

    /// <summary><see cref="Wast2Json(string)"/>, but null when wast2json rejects the script (wabt 1.0.32
    /// predates parts of the 3.0 text format).</summary>
    public static IReadOnlyList<Wast2JsonCommand>? TryWast2Json(string wastPath) => ConvertScript(wastPath).Commands;

    private static (List<Wast2JsonCommand>? Commands, string Stderr) ConvertScript(string wastPath) => InTempDirectory(dir =>
    {
        var json = Path.Combine(dir, "script.json");
        var (exitCode, stderr) = Run("wast2json", "--enable-all", "--no-check", wastPath, "-o", json);
        return (exitCode == 0 ? ReadCommands(dir, json) : null, stderr);
    });

    /// <summary>Reads wast2json's command list, with the bytes of each binary module it wrote beside it.</summary>
    private static List<Wast2JsonCommand> ReadCommands(string dir, string json)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var commands = new List<Wast2JsonCommand>();
        foreach (var c in doc.RootElement.GetProperty("commands").EnumerateArray())
        {
            byte[]? wasm = null;
            if (c.TryGetProperty("filename", out var f) && f.GetString() is { } name && name.EndsWith(".wasm", StringComparison.Ordinal))
                wasm = File.ReadAllBytes(Path.Combine(dir, name));
            commands.Add(new Wast2JsonCommand(
                c.GetProperty("type").GetString()!,
                c.GetProperty("line").GetInt32(),
                c.TryGetProperty("module_type", out var m) ? m.GetString() : null,
                wasm,
                c.TryGetProperty("text", out var t) ? t.GetString() : null));
        }
        return commands;
    }

    /// <summary>Runs <paramref name="tool"/> to completion; returns its exit code and what it wrote to stderr.</summary>
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

    /// <summary>Calls <paramref name="work"/> with a fresh temporary directory and deletes it afterwards.</summary>
    private static T InTempDirectory<T>(Func<string, T> work)
    {
        var dir = Directory.CreateTempSubdirectory("tessera-wabt-");
        try
        {
            return work(dir.FullName);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

/// <summary>One command of a script as <c>wast2json</c> wrote it.</summary>
/// <param name="Type">The command: <c>module</c>, <c>assert_invalid</c>, <c>assert_return</c>, ….</param>
/// <param name="Line">The command's line in the script.</param>
/// <param name="ModuleType"><c>binary</c> or <c>text</c> on the <c>assert_*</c> commands that carry a
/// module; null on the others (a <c>module</c> command's module is always binary).</param>
/// <param name="Wasm">The binary module wabt wrote for the command; null when there is none or wabt
/// kept the module as text.</param>
/// <param name="Text">The message the script expects, on the <c>assert_*</c> commands that give one.</param>
internal sealed record Wast2JsonCommand(string Type, int Line, string? ModuleType, byte[]? Wasm, string? Text);
