using static Tessera.Cli.Tests.CliRun;

namespace Tessera.Cli.Tests;

/// <summary>The <c>tessera</c> command as a user meets it: output, exit codes, and errors that never crash.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tessera-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void NoArgumentsRunsTheEmbeddedExample()
    {
        var (exit, output, _) = Run();
        Assert.Equal(0, exit);
        Assert.Contains("func[1] <fib> type=1 [i32] -> [i32]", output);
        Assert.Contains("func[0] type=0 [i32 i32 i32 i32] -> [i32] <- wasi_snapshot_preview1.fd_write", output);
        // The program's own output (hello.wat's data segment) and fib(27) = fib(26) + fib(25) = 121,393 + 75,025.
        Assert.Contains("\nHello from Tessera!\n", output);
        Assert.Contains("fib(27) = 196418 (", output);
    }

    [Fact]
    public void WastCountsPassesAndFailuresAndEndsWithThePlainLine()
    {
        var script = Write("s.wast", """
            (module (func (export "f") (result i32) (i32.const 1)))
            (assert_invalid (module (func (result i32) (i64.const 1))) "type mismatch")
            (assert_invalid (module (func (result i32) (i32.const 1))) "type mismatch")
            (assert_malformed (module quote "(func i32.bogus)") "unknown operator")
            (assert_return (invoke "f") (i32.const 1))
            (module (tag $e) (func (export "r") (throw $e)))
            (assert_return (invoke "r"))
            """);
        var (exit, output, _) = Run("wast", "--features", "3.0", script);
        Assert.Equal(1, exit);
        var lines = output.TrimEnd().Split('\n');
        // The exception-handling module and the assertion about it are skipped, not failed.
        Assert.Equal("3 passed, 1 failed, 2 skipped", lines[^1].TrimEnd());
        Assert.Contains("s.wast: 3 passed, 1 failed, 2 skipped (1 modules valid)", output);
        Assert.Contains("s.wast:3:1: failed: AssertInvalid", output);
    }

    [Theory]
    [InlineData("explicit")]
    [InlineData("guard")]
    public void WastRunsWithEitherKindOfBoundsCheck(string bounds)
    {
        // A dropped i64 load straddling the end of the page must trap in both modes.
        var script = Write("b.wast", """
            (module (memory 1)
              (func (export "drop") (param i32) (drop (i64.load (local.get 0))))
              (func (export "read") (param i32) (result i64) (i64.load (local.get 0))))
            (assert_return (invoke "read" (i32.const 65528)) (i64.const 0))
            (assert_trap (invoke "read" (i32.const 65529)) "out of bounds memory access")
            (assert_trap (invoke "drop" (i32.const 65529)) "out of bounds memory access")
            """);
        var (exit, output, _) = Run("wast", "--bounds", bounds, script);
        Assert.Equal(0, exit);
        Assert.Equal("3 passed, 0 failed, 0 skipped", output.TrimEnd().Split('\n')[^1].TrimEnd());
        Assert.Equal(2, Run("wast", "--bounds", "sometimes", script).Exit);
    }

    [Fact]
    public void ValidateReportsTheRuleAndTheFunction()
    {
        var good = Write("good.wat", "(module (func (result i32) i32.const 7))");
        var bad = Write("bad.wat", "(module (func) (func (result i32) f32.const 1))");
        var (exit, output, error) = Run("validate", good, bad);
        Assert.Equal(1, exit);
        Assert.Contains("good.wat: valid", output);
        Assert.Contains("type mismatch", error);
        Assert.Contains("function 1", error);
        // The f32.const that leaves the wrong type starts at column 35 (counted by hand).
        Assert.StartsWith(bad + ":1:35: ", error);
    }

    [Fact]
    public void MalformedBinaryIsAnErrorWithAnOffsetNotACrash()
    {
        var path = Path.Combine(_dir.FullName, "bad.wasm");
        File.WriteAllBytes(path, [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x10, 0x01]);
        var (exit, _, error) = Run("inspect", path);
        Assert.Equal(1, exit);
        // The section that claims 16 bytes starts at offset 8 (just after the 8-byte header).
        Assert.StartsWith("error: malformed module at byte 0x8: length out of bounds", error);
    }

    [Fact]
    public void TextSyntaxErrorsGiveLineAndColumn()
    {
        var path = Write("syntax.wat", "(module\n  (func (i32.const 1) (drop) (bogus.op)))");
        var (exit, _, error) = Run("validate", path);
        Assert.Equal(1, exit);
        Assert.Contains(":2:", error);
        Assert.Contains("unknown operator", error);
    }

    [Fact]
    public void MissingFileAndUnknownCommandAreReported()
    {
        var (exit, _, error) = Run("inspect", Path.Combine(_dir.FullName, "nope.wasm"));
        Assert.Equal(1, exit);
        Assert.Contains("nope.wasm", error);
        Assert.Equal(2, Run("frobnicate").Exit);
    }

    [Fact]
    public void AssembleWritesABinaryThatWabtAgreesWith()
    {
        var wat = Write("a.wat", "(module (func (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))");
        var wasm = Path.Combine(_dir.FullName, "a.wasm");
        Assert.Equal(0, Run("assemble", wat, "-o", wasm).Exit);
        // Hand-encoded: type (i32 i32)->i32, one function, export "add", body 20 00 20 01 6a 0b.
        byte[] expected =
        [
            0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
            0x01, 0x07, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F,
            0x03, 0x02, 0x01, 0x00,
            0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,
            0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B,
        ];
        var actual = File.ReadAllBytes(wasm);
        Assert.Equal(expected, actual.AsSpan(0, expected.Length).ToArray());
    }
}
