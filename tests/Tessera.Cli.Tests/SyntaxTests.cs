using System.Reflection;
using Tessera.Cli.Commands;
using static Tessera.Cli.Tests.CliRun;

namespace Tessera.Cli.Tests;

/// <summary>
/// The command line as System.CommandLine reads it: help for every command, <c>--version</c>,
/// completion through the <c>[suggest]</c> directive, usage errors (exit 2, one <c>error: </c>
/// line each on stderr), and the program's arguments reaching it exactly as given.
/// </summary>
public sealed class SyntaxTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tessera-syntax-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("run", "--bogus", "x.wasm")]
    [InlineData("wast", "--bogus", "x.wast")]
    [InlineData("validate", "--bogus")]
    [InlineData("inspect", "--bogus")]
    [InlineData("assemble", "--bogus", "x.wat")]
    public void AnUnknownOptionIsAUsageErrorOnStderr(params string[] args)
    {
        var (exit, output, error) = Run(args);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("error: ", error);
        Assert.Contains("'--bogus'", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void AnUnknownCommandIsAUsageError()
    {
        var (exit, output, error) = Run("frobnicate");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("error: Unrecognized command or argument 'frobnicate'.", error);
        Assert.Contains("see 'tessera --help'", error);
    }

    [Theory]
    [InlineData("run", "--max-open-files", "2147483648")]
    [InlineData("run", "--max-stdout-bytes", "9223372036854775808")]
    [InlineData("wast", "--bounds", "sometimes")]
    public void AValueOutOfRangeIsAUsageError(string command, string option, string value)
    {
        var (exit, output, error) = Run(command, option, value, Write("m.wat", "(module (func (export \"_start\")))"));
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith($"error: {option} ", error);
        Assert.Contains($"'{value}'", error);
        Assert.Contains($"see 'tessera {command} --help'", error);
    }

    /// <summary>Each command's help names its usage and every option it takes.</summary>
    [Theory]
    [InlineData("run", "tessera run <FILE> [<ARG>...] [options]", new[] { "--invoke <NAME>", "--dir <HOST[::GUEST]>", "--dir-readonly", "--env <NAME=VALUE>", "--inherit-env", "--tcplisten <HOST:PORT>", "--max-open-files <N>", "--max-stdout-bytes <N>", "--max-stderr-bytes <N>", "--no-cache", "--cache-dir <DIR>", "--bounds <guard|explicit>" })]
    [InlineData("wast", "tessera wast <FILE>... [options]", new[] { "--features <LEVEL[,PROPOSAL...]>", "--bounds <explicit|guard>", "-v, --verbose" })]
    [InlineData("validate", "tessera validate <FILE>...", new string[0])]
    [InlineData("inspect", "tessera inspect <FILE>", new string[0])]
    [InlineData("assemble", "tessera assemble <FILE> [options]", new[] { "-o, --output <FILE.wasm>" })]
    [InlineData("help", "tessera help [<COMMAND>]", new string[0])]
    public void EveryCommandHasHelp(string command, string usage, string[] options)
    {
        foreach (var help in new[] { "--help", "-h", "-?" })
        {
            var (exit, output, error) = Run(command, help);
            Assert.Equal((0, ""), (exit, error));
            Assert.Contains(usage, output);
            foreach (var option in options) Assert.Contains(option, output);
        }
        Assert.Equal(Run(command, "--help"), Run("help", command));
    }

    [Fact]
    public void TheRootHelpListsTheCommandsAndTheExitCodes()
    {
        foreach (var args in new[] { ["--help"], ["-h"], new[] { "help" } })
        {
            var (exit, output, error) = Run(args);
            Assert.Equal((0, ""), (exit, error));
            foreach (var command in new[] { "run", "wast", "validate", "inspect", "assemble", "help" })
                Assert.Contains($"\n  {command} ", output);
            Assert.Contains("Exit codes: 0 success; 1 error", output);
            Assert.Contains("--version", output);
        }
        var (unknownExit, _, unknown) = Run("help", "frobnicate");
        Assert.Equal(2, unknownExit);
        Assert.StartsWith("error: unknown command 'frobnicate'", unknown);
    }

    [Fact]
    public void VersionIsTheAssemblysInformationalVersion()
    {
        string expected = typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal((0, expected + "\n", ""), Run("--version"));
    }

    [Fact]
    public void CompletionSuggestsCommandsForAPartialName()
    {
        // The [suggest] directive is what dotnet-suggest calls from the shell.
        var (exit, output, _) = Run("[suggest]", "insp");
        Assert.Equal(0, exit);
        Assert.Equal(["inspect"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        // A suggestion contains the word typed, not only starts with it: "as" is in assemble and wast.
        var ass = Run("[suggest]", "as").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["assemble", "wast"], ass.Order(StringComparer.Ordinal));
        // And the values an option takes, at a cursor position in one command line, as
        // dotnet-suggest asks: after "run --bounds " (13 characters).
        var bounds = Run("[suggest:13]", "run --bounds ").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["explicit", "guard"], bounds.Order(StringComparer.Ordinal));
    }

    /// <summary>Writes its arguments after argv[0], each followed by a newline, to stdout.</summary>
    private const string EchoArguments = """
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "args_get" (func $get (param i32 i32) (result i32)))
          (memory 1)
          (func (export "_start") (local $i i32) (local $start i32) (local $end i32)
            (drop (call $sizes (i32.const 0) (i32.const 4)))
            (drop (call $get (i32.const 1024) (i32.const 4096)))
            ;; The strings lie end to end from 4096; NULs become newlines.
            (local.set $end (i32.add (i32.const 4096) (i32.load (i32.const 4))))
            (local.set $i (i32.const 4096))
            (block $done (loop $next
              (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
              (if (i32.eqz (i32.load8_u (local.get $i))) (then (i32.store8 (local.get $i) (i32.const 10))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $next)))
            ;; Skip argv[0], the file name, and its newline.
            (local.set $start (i32.add (i32.load (i32.const 1028)) (i32.const 0)))
            (i32.store (i32.const 8) (local.get $start))
            (i32.store (i32.const 12) (i32.sub (local.get $end) (local.get $start)))
            (drop (call $write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16)))))
        """;

    [Fact]
    public void TheProgramGetsItsArgumentsAsGiven()
    {
        var program = Write("echo.wat", EchoArguments);
        // Options of run, help, version, a response file, "--" and negative numbers after the
        // file are the program's, spelled as given (the parser would split --dir=x and --env=A=B).
        string[] arguments = ["--dir=x", "--env=A=B", "--no-cache=1", "--invoke", "f", "-h", "--help", "--version", "@list", "--", "-1", "[suggest]", "-"];
        var (exit, output, error) = Run(["run", "--env", "E=1", program, .. arguments]);
        Assert.Equal((0, ""), (exit, error));
        Assert.Equal(string.Join("", arguments.Select(a => a + "\n")), output);
        // "--" before the file ends run's options: a file name may then start with "-".
        var dashed = Write("-echo.wat", EchoArguments);
        Assert.Equal((0, "a\n", ""), Run("run", "--", dashed, "a"));
    }

    [Fact]
    public void AValueGivenToAFlagIsAUsageError()
    {
        var program = Write("quiet.wat", "(module (func (export \"_start\")))");
        foreach (var flag in new[] { "--no-cache", "--inherit-env" })
        {
            var (exit, _, error) = Run("run", $"{flag}=1", program);
            Assert.Equal(2, exit);
            Assert.StartsWith($"error: {flag} takes no value, got '{flag}=1'", error);
        }
    }

    [Fact]
    public void PreopensKeepTheirCommandLineOrderAcrossBothOptions()
    {
        // Prints the guest names of descriptors 3, 4 and 5, each followed by a newline.
        var program = Write("preopens.wat", """
            (module
              (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $name (param i32 i32 i32) (result i32)))
              (memory 1)
              (func (export "_start") (local $fd i32) (local $at i32) (local $len i32)
                (local.set $fd (i32.const 3))
                (local.set $at (i32.const 4096))
                (loop $next
                  (drop (call $prestat (local.get $fd) (i32.const 0)))
                  (local.set $len (i32.load (i32.const 4)))
                  (drop (call $name (local.get $fd) (local.get $at) (local.get $len)))
                  (local.set $at (i32.add (local.get $at) (local.get $len)))
                  (i32.store8 (local.get $at) (i32.const 10))
                  (local.set $at (i32.add (local.get $at) (i32.const 1)))
                  (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
                  (br_if $next (i32.le_u (local.get $fd) (i32.const 5))))
                (i32.store (i32.const 8) (i32.const 4096))
                (i32.store (i32.const 12) (i32.sub (local.get $at) (i32.const 4096)))
                (drop (call $write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16)))))
            """);
        string d = _dir.FullName;
        Assert.Equal((0, "/c\n/a\n/b\n", ""), Run("run", "--dir-readonly", $"{d}::/c", "--dir", $"{d}::/a", $"--dir-readonly={d}::/b", program));
    }
}
