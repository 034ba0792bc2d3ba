using System.Diagnostics;
using System.Text;
using Tessera.Wasm.Text;
using static Tessera.Cli.Tests.CliRun;

namespace Tessera.Cli.Tests;

/// <summary>
/// Whatever a module file is, every command that reads one ends with a typed error, the documented
/// exit code (1: the file cannot be read or is not a module) and a message naming the problem:
/// never a crash, a hang, or memory in proportion to a file that is not a module.
/// </summary>
public sealed class InputFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tessera-input-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private string Write(string name, byte[] content)
    {
        var path = PathOf(name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Each command that reads a module, with the file in its place.</summary>
    public static TheoryData<string[]> Commands() => new()
    {
        new[] { "run" },
        new[] { "run", "--invoke", "f" },
        new[] { "validate" },
        new[] { "inspect" },
        new[] { "assemble" },
    };

    private static (int Exit, string Out, string Err) RunWith(string[] command, string path) =>
        command[0] == "assemble" ? Run("assemble", path, "-o", path + ".out") : Run([.. command, path]);

    /// <summary>The problem is on stderr after the file's name, with exit code 1 and no .NET stack.</summary>
    private static void AssertInputError(string[] command, string path, string problem)
    {
        var (exit, output, error) = RunWith(command, path);
        Assert.Equal(1, exit);
        Assert.DoesNotContain("valid", output);
        Assert.Contains($"{path}: {problem}", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void ADirectoryIsNamedAsOne(string[] command) => AssertInputError(command, _dir.FullName, "is a directory");

    [Theory]
    [MemberData(nameof(Commands))]
    public void AMissingFileIsNamedAsOne(string[] command)
    {
        AssertInputError(command, PathOf("missing.wasm"), "no such file");
        // A path through a regular file (ENOTDIR) is missing too.
        AssertInputError(command, Path.Combine(Write("plain", [0x28, 0x29]), "x.wasm"), "no such file");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void AnEmptyFileIsNamedAsOne(string[] command) => AssertInputError(command, Write("empty.wat", []), "empty file");

    [Theory]
    [MemberData(nameof(Commands))]
    public void ADeviceIsRefusedWithoutReadingIt(string[] command) => AssertInputError(command, "/dev/zero", "is a device, not a regular file");

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task AFifoIsRefusedWithoutWaitingForAWriter(string[] command)
    {
        var fifo = PathOf("fifo");
        using (var mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        // Opening a FIFO for reading blocks until a writer comes; none will (a TimeoutException fails the test).
        var (exit, _, error) = await Task.Run(() => RunWith(command, fifo)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, exit);
        Assert.Contains($"{fifo}: is a FIFO, not a regular file", error);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void NeitherBinaryNorTextIsRefusedFromItsFirstBytes(string[] command)
    {
        const string Problem = "not a WebAssembly module: neither the binary magic \\0asm nor text";
        AssertInputError(command, Write("junk.wasm", Encoding.UTF8.GetBytes("junk (module)")), Problem);
        AssertInputError(command, Write("nul.wat", [0x00, 0x28, 0x6d, 0x6f, 0x64, 0x75, 0x6c, 0x65, 0x29]), Problem);
    }

    [Fact]
    public void SixteenMebibytesOfZerosAreRefusedWithoutReadingThem()
    {
        // Before, the file was read whole and decoded as UTF-8 text: 3 bytes allocated per byte.
        var zeros = Write("zeros.bin", new byte[16 << 20]);
        Run("validate", Write("warm.wat", Encoding.UTF8.GetBytes("(module)")));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var (exit, _, error) = Run("validate", zeros);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1, exit);
        Assert.Contains("neither the binary magic", error);
        Assert.True(allocated < 1 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void ValidateReportsEachUnreadableFileAndChecksTheRest()
    {
        var good = Write("good.wat", Encoding.UTF8.GetBytes("(module)"));
        var (exit, output, error) = Run("validate", _dir.FullName, good, PathOf("missing.wat"));
        Assert.Equal(1, exit);
        Assert.Equal($"{good}: valid\n", output.ReplaceLineEndings("\n"));
        Assert.Contains($"{_dir.FullName}: is a directory", error);
        Assert.Contains($"{PathOf("missing.wat")}: no such file", error);
    }

    [Fact]
    public void TextIsFoundAfterWhiteSpaceAndComments()
    {
        var path = Write("commented.wasm", Encoding.UTF8.GetBytes(";; a text module named .wasm\n(; block ;) (module (func (export \"f\") (result i32) (i32.const 7)))"));
        var (exit, output, _) = Run("run", "--invoke", "f", path);
        Assert.Equal(0, exit);
        Assert.Equal("7\n", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void AssembleRefusesABinary()
    {
        var wasm = Write("m.wasm", WatAssembler.AssembleText("(module)"));
        AssertInputError(["assemble"], wasm, "is already a binary module");
    }

    [Fact]
    public void TextNestedPastTheLimitIsAMalformedModule()
    {
        // module, func, then (i32.eqz ...) lists: a million nested is refused at list 100,001,
        // after the prefix "(module (func (result i32) " (27 characters) and 99,998 eqz lists of 9.
        var text = new StringBuilder("(module (func (result i32) ").Insert(27, "(i32.eqz ", 1_000_000).Append("(i32.const 1)").Append(')', 1_000_002).ToString();
        var path = Write("deep.wat", Encoding.UTF8.GetBytes(text));
        foreach (var command in new[] { new[] { "validate" }, new[] { "run", "--invoke", "f" } })
        {
            var clock = Stopwatch.StartNew();
            var (exit, _, error) = Run([.. command, path]);
            Assert.Equal(1, exit);
            Assert.Contains($"{path}:1:{27 + 99_998 * 9 + 1}: nesting too deep (more than 100,000 nested lists; TextLimits.MaxNestingDepth)", error);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        }
    }

    [Fact]
    public async Task AScriptThatIsNotARegularFileFailsAloneWithoutBlocking()
    {
        var script = Write("ok.wast", Encoding.UTF8.GetBytes("(module (func (export \"f\") (result i32) (i32.const 1)))\n(assert_return (invoke \"f\") (i32.const 1))"));
        var (exit, output, _) = await Task.Run(() => Run("wast", "/dev/zero", _dir.FullName, script)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, exit);
        Assert.Contains("/dev/zero: 0 passed, 1 failed, 0 skipped (cannot read: /dev/zero: is a device", output);
        Assert.Contains($"{_dir.FullName}: 0 passed, 1 failed, 0 skipped (cannot read: {_dir.FullName}: is a directory", output);
        Assert.EndsWith("1 passed, 2 failed, 0 skipped", output.TrimEnd());
    }
}
