using Tessera.Wasi;
using static Tessera.Cli.Tests.CliRun;

namespace Tessera.Cli.Tests;

/// <summary>
/// Every option of every command at its bounds: a value at a bound is accepted, one past it (or
/// not a number, missing, given twice) is a usage error, exit code 2, with a message naming the
/// option. (The soak's options, in bench/Tessera.Soak, are checked in tests/Tessera.Soak.Tests.)
/// A missing value and a single-valued option given twice are System.CommandLine's own errors, in
/// its wording (<see cref="MissingValue"/>, <see cref="GivenTwice"/>); the rest are Tessera's.
/// </summary>
public sealed class OptionBoundsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tessera-options-");
    private readonly string _program;

    public OptionBoundsTests() =>
        _program = Write("p.wat", """(module (func (export "_start")) (func (export "f") (result i32) (i32.const 5)))""");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>System.CommandLine's message for an option without its value.</summary>
    private static string MissingValue(string option) => $"Required argument missing for option: '{option}'.";

    /// <summary>System.CommandLine's message for a single-valued option given more than once.</summary>
    private static string GivenTwice(string option) => $"Option '{option}' expects a single argument but 2 were provided.";

    private static void AssertUsage(string expected, params string[] args)
    {
        var (exit, output, error) = Run(args);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("error: ", error);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("   at ", error);
    }

    private void AssertRuns(params string[] options)
    {
        var (exit, output, error) = Run(["run", .. options, "--invoke", "f", _program]);
        Assert.True(exit == 0, error);
        Assert.Equal("5\n", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void MaxOpenFilesMustCoverStdioAndThePreopens()
    {
        // stdin, stdout and stderr: 3 descriptors; each --dir one more.
        AssertRuns("--max-open-files", "3");
        AssertUsage("--max-open-files 2: below the 3 descriptors stdio, the preopens and the sockets take", "run", "--max-open-files", "2", _program);
        AssertUsage("--max-open-files 0: below the 3 descriptors", "run", "--max-open-files", "0", _program);
        AssertRuns("--dir", _dir.FullName, "--max-open-files", "4");
        AssertUsage("--max-open-files 3: below the 4 descriptors", "run", "--dir", _dir.FullName, "--max-open-files", "3", _program);
        AssertUsage("--max-open-files 4: below the 5 descriptors", "run", "--dir", _dir.FullName, "--dir-readonly", _dir.FullName, "--max-open-files", "4", _program);
    }

    [Theory]
    [InlineData("--max-open-files", "2147483647", "2147483648")]
    [InlineData("--max-stdout-bytes", "9223372036854775807", "9223372036854775808")]
    [InlineData("--max-stderr-bytes", "9223372036854775807", "9223372036854775808")]
    public void CountsAreWholeNumbersUpToTheirType(string option, string max, string pastMax)
    {
        AssertRuns(option, max);
        AssertRuns($"{option}={max}");
        AssertUsage($"{option} needs a whole number from 0 to {max}, got '{pastMax}'", "run", option, pastMax, _program);
        foreach (var bad in new[] { "-1", "abc", "", "1e3", "+5", " 5", "0x10", "1_000" })
            AssertUsage($"{option} needs a whole number from 0 to {max}, got '{bad}'", "run", option, bad, _program);
        AssertUsage(MissingValue(option), "run", option);
        AssertUsage(GivenTwice(option), "run", option, "5", option, "5", _program);
    }

    [Fact]
    public void OutputLimitsAcceptZero()
    {
        AssertRuns("--max-stdout-bytes", "0");
        AssertRuns("--max-stderr-bytes", "0");
    }

    [Fact]
    public void EveryOtherRunOptionIsChecked()
    {
        AssertUsage(GivenTwice("--invoke"), "run", "--invoke", "f", "--invoke", "f", _program);
        AssertUsage("--invoke needs an export name", "run", "--invoke", "", _program);
        // "--invoke=" with nothing after it is not split: the option takes the next argument, the
        // file, and then there is none.
        AssertUsage("Required argument 'FILE.wasm|FILE.wat' missing for command: 'run'.", "run", "--invoke=", _program);
        AssertUsage(GivenTwice("--bounds"), "run", "--bounds", "explicit", "--bounds", "explicit", _program);
        AssertUsage("--bounds takes guard or explicit, not 'fast'", "run", "--bounds", "fast", _program);
        AssertUsage("--cache-dir needs a directory", "run", "--cache-dir", "", _program);
        AssertUsage(GivenTwice("--cache-dir"), "run", "--cache-dir", "a", "--cache-dir", "b", _program);
        AssertUsage("--no-cache takes no value", "run", "--no-cache=1", _program);
        // A flag given twice says the same thing twice: accepted.
        Assert.Equal(0, Run("run", "--no-cache", "--no-cache", "--inherit-env", "--inherit-env", _program).Exit);
        AssertUsage("--inherit-env takes no value", "run", "--inherit-env=yes", _program);
        AssertUsage("--env needs NAME=VALUE, got '=x'", "run", "--env", "=x", _program);
        AssertUsage("--env needs NAME=VALUE, got 'X'", "run", "--env", "X", _program);
        AssertUsage("--dir needs HOST[::GUEST], got ''", "run", "--dir", "", _program);
        AssertUsage("--dir needs HOST[::GUEST], got 'a::'", "run", "--dir-readonly", "a::", _program);
        AssertUsage($"--dir: no directory '{_program}'", "run", "--dir", _program, _program);
        AssertUsage("--tcplisten: '127.0.0.1:65536' is not HOST:PORT", "run", "--tcplisten", "127.0.0.1:65536", _program);
        AssertUsage(MissingValue("--tcplisten"), "run", "--tcplisten");
        // Repeatable options may repeat.
        AssertRuns("--env", "A=1", "--env", "A=2", "--dir", _dir.FullName, "--dir", _dir.FullName);
    }

    [Fact]
    public void WastOptionsAreChecked()
    {
        var script = Write("s.wast", "(module)");
        Assert.Equal(0, Run("wast", "--features", "2.0", "--bounds", "explicit", "-v", script).Exit);
        AssertUsage(MissingValue("--features"), "wast", "--features");
        AssertUsage("--features: ", "wast", "--features", "nonsense", script);
        AssertUsage(GivenTwice("--features"), "wast", "--features", "2.0", "--features", "2.0", script);
        AssertUsage(MissingValue("--bounds"), "wast", "--bounds");
        AssertUsage("--bounds takes explicit or guard, not 'x'", "wast", "--bounds", "x", script);
        AssertUsage("unknown option '--bogus'", "wast", "--bogus", script);
        AssertUsage("Required argument 'FILE.wast' missing for command: 'wast'.", "wast", "-v");
    }

    [Fact]
    public void AssembleOptionsAreChecked()
    {
        var wat = Write("m.wat", "(module)");
        var output = Path.Combine(_dir.FullName, "out.wasm");
        Assert.Equal(0, Run("assemble", wat, "-o", output).Exit);
        Assert.Equal(8, new FileInfo(output).Length); // the magic and the version alone
        AssertUsage("-o needs a file name", "assemble", wat, "-o", "");
        AssertUsage(MissingValue("-o"), "assemble", wat, "-o");
        AssertUsage(GivenTwice("-o"), "assemble", wat, "-o", output, "-o", output);
        // A second input is an argument the command has no place for.
        AssertUsage($"Unrecognized command or argument '{wat}'.", "assemble", wat, wat);
        AssertUsage("unknown option '--bogus'", "assemble", "--bogus", wat);
        AssertUsage("Required argument 'FILE.wat' missing for command: 'assemble'.", "assemble");
    }

    [Fact]
    public void TheLibraryRefusesTheSameLimitsWithATypedException()
    {
        var tooFew = new WasiConfiguration { Limits = new WasiLimits { MaxOpenDescriptors = 3 } }.WithPreopen(_dir.FullName, "/d");
        var e = Assert.Throws<WasiConfigurationException>(() => new WasiContext(tooFew));
        Assert.Equal(nameof(WasiLimits.MaxOpenDescriptors), e.Setting);
        Assert.Equal(3, e.Value);
        Assert.IsAssignableFrom<ArgumentException>(e);

        using (new WasiContext(new WasiConfiguration { Limits = new WasiLimits { MaxOpenDescriptors = 4 } }.WithPreopen(_dir.FullName, "/d"))) { }

        var negative = Assert.Throws<WasiConfigurationException>(() => new WasiContext(new WasiConfiguration { Limits = new WasiLimits { MaxStderrBytes = -1 } }));
        Assert.Equal(nameof(WasiLimits.MaxStderrBytes), negative.Setting);
        using (new WasiContext(new WasiConfiguration { Limits = new WasiLimits { MaxStdoutBytes = 0, MaxStderrBytes = 0 } })) { }
    }
}
