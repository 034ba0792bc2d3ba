using Tessera.Wasm.Runtime;
using Tessera.Wasm.Text;
using static Tessera.Cli.Tests.CliRun;

namespace Tessera.Cli.Tests;

/// <summary>
/// <c>tessera run</c>: results checked against node (V8) running the same binary, or against
/// arithmetic done by hand where JavaScript cannot see the value (NaN payloads, f32 spelling);
/// exit codes and error text for traps, bad arguments, missing exports and unsatisfied imports.
/// </summary>
public sealed class RunCommandTests : IDisposable
{
    private const string Calculator = """
        (module
          (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
          (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
          (func (export "mul64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.mul)
          (func (export "third") (result f32) f32.const 1 f32.const 3 f32.div)
          (func (export "sqrt") (param f64) (result f64) local.get 0 f64.sqrt)
          (func (export "min") (param f64 f64) (result f64) local.get 0 local.get 1 f64.min)
          (func (export "divf") (param f32 f32) (result f32) local.get 0 local.get 1 f32.div)
          (func (export "id32") (param f32) (result f32) local.get 0)
          (func (export "id64") (param f64) (result f64) local.get 0)
          (func (export "divmod") (param i32 i32) (result i32 i32 i64 f32)
            local.get 0 local.get 1 i32.div_u
            local.get 0 local.get 1 i32.rem_u
            local.get 0 i64.extend_i32_s
            local.get 1 f32.convert_i32_s)
          (func (export "refs") (result funcref externref) ref.func 0 ref.null extern)
          (func (export "nothing"))
          (memory (export "memory") 1)
          (global (export "g") i32 (i32.const 0)))
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tessera-run-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>The calculator as a binary, for node and for the .wasm path of <c>run</c>.</summary>
    private string CalculatorWasm()
    {
        var path = Path.Combine(_dir.FullName, "calc.wasm");
        File.WriteAllBytes(path, WatAssembler.AssembleText(Calculator));
        return path;
    }

    [Theory]
    // Each row: export, tessera arguments, node arguments (i64 as BigInt "n", floats in JavaScript spelling).
    [InlineData("add", new[] { "2147483647", "1" }, new[] { "2147483647", "1" })]
    [InlineData("add", new[] { "0xffffffff", "-0x1" }, new[] { "4294967295", "-1" })]
    [InlineData("div", new[] { "-7", "2" }, new[] { "-7", "2" })]
    [InlineData("mul64", new[] { "0x7fffffffffffffff", "3" }, new[] { "9223372036854775807n", "3n" })]
    [InlineData("mul64", new[] { "-9223372036854775808", "-1" }, new[] { "-9223372036854775808n", "-1n" })]
    [InlineData("third", new string[0], new string[0])]
    [InlineData("sqrt", new[] { "2" }, new[] { "2" })]
    [InlineData("sqrt", new[] { "-1" }, new[] { "-1" })]
    [InlineData("min", new[] { "0", "-0" }, new[] { "0", "-0" })]
    [InlineData("divf", new[] { "1", "-0" }, new[] { "1", "-0" })]
    [InlineData("divf", new[] { "-inf", "3.5" }, new[] { "-Infinity", "3.5" })]
    [InlineData("divf", new[] { "0x1p-149", "2" }, new[] { "1.401298464324817e-45", "2" })]
    [InlineData("id64", new[] { "1e300" }, new[] { "1e300" })]
    [InlineData("divmod", new[] { "-1", "10" }, new[] { "-1", "10" })]
    public void ResultsAgreeWithNode(string export, string[] args, string[] nodeArgs)
    {
        var wasm = CalculatorWasm();
        var (exit, output, error) = Run(["run", "--invoke", export, wasm, .. args]);
        Assert.True(exit == 0, error);
        var ours = Lines(output);
        var theirs = Node.Invoke(wasm, export, nodeArgs);
        Assert.Equal(theirs.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++) Assert.True(SameValue(ours[i], theirs[i]), $"result {i}: tessera {ours[i]}, node {theirs[i]}");
    }

    /// <summary>Node prints every float as a double, and an f32 as the exact double it widens to
    /// (0.3333333432674408 where we print 0.33333334), so spellings differ: compare values, as
    /// double and as widened float. Integers and special values must match as text, except that
    /// JavaScript cannot show a NaN's sign.</summary>
    private static bool SameValue(string ours, string theirs)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        if (ours == theirs || (ours == "-nan" && theirs == "nan")) return true;
        if (!theirs.Contains('.') && !theirs.Contains('e')) return false;
        double expected = double.Parse(theirs, invariant);
        return double.Parse(ours, invariant) == expected || (double)float.Parse(ours, invariant) == expected;
    }

    [Fact]
    public void MultiValueResultsPrintOnePerLineInOrder()
    {
        // 4294967295 (the bits of -1) divided by 10 is 429496729 remainder 5; -1 extended to i64
        // stays -1; 10 converts to the f32 10, printed as the shortest decimal "10".
        var (exit, output, _) = Run("run", "--invoke", "divmod", Write("calc.wat", Calculator), "-1", "10");
        Assert.Equal(0, exit);
        Assert.Equal(["429496729", "5", "-1", "10"], Lines(output));
    }

    [Theory]
    // Values with no decimal spelling in JavaScript, checked by hand against IEEE 754 bit patterns.
    [InlineData("id32", "-0", "-0")]
    [InlineData("id32", "inf", "inf")]
    [InlineData("id32", "-inf", "-inf")]
    [InlineData("id32", "nan", "nan")] // 0x7fc00000: quiet bit only, the canonical NaN
    [InlineData("id32", "-nan", "-nan")]
    [InlineData("id32", "nan:0x200000", "nan:0x200000")] // a quiet NaN with one more payload bit than canonical
    [InlineData("id32", "nan:0x1", "nan:0x1")] // a signalling NaN passes through unchanged
    [InlineData("id64", "-nan:0x8000000000001", "-nan:0x8000000000001")]
    [InlineData("id64", "nan:0x8000000000000", "nan")] // 2^51 is the canonical f64 payload
    [InlineData("id32", "0x1p-149", "1e-45")] // the least subnormal f32, 1.4e-45, reads back from 1e-45
    [InlineData("id32", "16777217", "16777216")] // 2^24 + 1 rounds to even, 2^24
    [InlineData("id32", "0.1", "0.1")]
    [InlineData("id64", "0.1", "0.1")]
    [InlineData("id64", "1.5", "1.5")]
    [InlineData("id64", "100", "100")]
    [InlineData("id64", "0x1.fffffffffffffp+1023", "1.7976931348623157e+308")] // the largest double
    public void FloatsPrintInTheRoundTripFormat(string export, string argument, string expected)
    {
        var (exit, output, error) = Run("run", "--invoke", export, Write("calc.wat", Calculator), argument);
        Assert.True(exit == 0, error);
        Assert.Equal(expected, output.TrimEnd('\n'));
    }

    [Fact]
    public void ReferencesPrintAsNullOrTheirKind()
    {
        var (exit, output, _) = Run("run", "--invoke", "refs", Write("calc.wat", Calculator));
        Assert.Equal(0, exit);
        Assert.Equal(["ref.func", "null"], Lines(output));
    }

    [Fact]
    public void AFunctionWithoutResultsPrintsNothing()
    {
        var (exit, output, error) = Run("run", "--invoke", "nothing", CalculatorWasm());
        Assert.Equal(0, exit);
        Assert.Equal("", output);
        Assert.Equal("", error);
    }

    [Fact]
    public void ATrapIsReportedOnStderrWithExitCode134()
    {
        var (exit, output, error) = Run("run", "--invoke", "div", CalculatorWasm(), "1", "0");
        Assert.Equal(134, exit);
        Assert.Equal("", output);
        Assert.StartsWith("error: trap: integer divide by zero", error);
        Assert.DoesNotContain("   at ", error); // no .NET stack trace

        // INT_MIN / -1 overflows: the other trap of i32.div_s.
        (exit, _, error) = Run("run", "--invoke", "div", CalculatorWasm(), "-2147483648", "-1");
        Assert.Equal(134, exit);
        Assert.StartsWith("error: trap: integer overflow", error);
    }

    [Fact]
    public void ATrapShowsTheWebAssemblyBacktraceWithNames()
    {
        var path = Write("bt.wat", """
            (module
              (func $inner (param i32) (result i32) i32.const 1 local.get 0 i32.div_u)
              (func $outer (export "f") (param i32) (result i32) local.get 0 call $inner))
            """);
        var (exit, _, error) = Run("run", "--invoke", "f", path, "0");
        Assert.Equal(134, exit);
        var lines = Lines(error.ReplaceLineEndings("\n"));
        Assert.Equal("error: trap: integer divide by zero", lines[0]);
        Assert.Equal("wasm backtrace:", lines[1]);
        // The export is on the backtrace by its name-section name; $inner may be missing while the
        // JIT inlines it (the runtime reads frames from the .NET stack trace).
        Assert.Contains(lines, l => l.Trim().EndsWith("outer (func 1)", StringComparison.Ordinal));
    }

    [Fact]
    public void ATrapInTheStartFunctionIsATrapToo()
    {
        var path = Write("start.wat", "(module (func $s unreachable) (start $s) (func (export \"f\")))");
        var (exit, _, error) = Run("run", "--invoke", "f", path);
        Assert.Equal(134, exit);
        Assert.StartsWith("error: trap: unreachable", error);
    }

    [Theory]
    [InlineData("add", new[] { "1" }, "export \"add\" takes 2 arguments (i32 i32), got 1")]
    [InlineData("add", new[] { "1", "2", "3" }, "export \"add\" takes 2 arguments (i32 i32), got 3")]
    [InlineData("add", new[] { "1", "x" }, "argument 2 'x' is not a valid i32")]
    [InlineData("add", new[] { "4294967296", "0" }, "argument 1 '4294967296' is not a valid i32")] // 2^32 is out of range
    [InlineData("add", new[] { "-2147483649", "0" }, "argument 1 '-2147483649' is not a valid i32")]
    [InlineData("add", new[] { "1.5", "0" }, "argument 1 '1.5' is not a valid i32")]
    [InlineData("mul64", new[] { "18446744073709551616", "0" }, "argument 1 '18446744073709551616' is not a valid i64")]
    [InlineData("sqrt", new[] { "1.5x" }, "argument 1 '1.5x' is not a valid f64: expected a decimal or 0x hexadecimal float, inf, -inf, nan")]
    [InlineData("sqrt", new[] { "Infinity" }, "argument 1 'Infinity' is not a valid f64")]
    [InlineData("id32", new[] { "nan:0x800000" }, "argument 1 'nan:0x800000' is not a valid f32")] // payload wider than 23 bits
    [InlineData("id32", new[] { "1e39" }, "argument 1 '1e39' is not a valid f32")] // rounds to infinity
    [InlineData("nope", new string[0], "no export named \"nope\" (its function exports: \"add\"")]
    [InlineData("memory", new string[0], "export \"memory\" is a memory, not a function")]
    [InlineData("g", new string[0], "export \"g\" is a global, not a function")]
    public void BadArgumentsAndExportsAreUsageErrors(string export, string[] args, string message)
    {
        var (exit, output, error) = Run(["run", "--invoke", export, Write("calc.wat", Calculator), .. args]);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("error: ", error);
        Assert.Contains(message, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void TheCommandLineItselfIsChecked()
    {
        var calc = Write("calc.wat", Calculator);
        // System.CommandLine's wording for a missing argument or option value.
        Assert.Contains("Required argument 'FILE.wasm|FILE.wat' missing for command: 'run'.", Run("run").Err);
        Assert.Equal(2, Run("run").Exit);
        Assert.Contains("Required argument missing for option: '--invoke'.", Run("run", "--invoke").Err);
        Assert.Contains("unknown option '--bogus'", Run("run", "--bogus", calc).Err);
        // Options end at the file: "-1" after it is an argument, and --invoke=NAME works too.
        var (exit, output, _) = Run("run", "--invoke=add", calc, "-1", "-2");
        Assert.Equal(0, exit);
        Assert.Equal("-3\n", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void UnsatisfiedImportsNameTheImportAndAreUsageErrors()
    {
        var path = Write("imports.wat", """(module (import "env" "log" (func (param i32))) (func (export "f")))""");
        var (exit, _, error) = Run("run", "--invoke", "f", path);
        Assert.Equal(2, exit);
        Assert.Contains("unknown import: \"env\" \"log\"", error);
        Assert.Contains("provides only the functions of wasi_snapshot_preview1", error);
    }

    [Fact]
    public void WithoutInvokeTheProgramsStartRunsWithWasi()
    {
        // _start runs: it traps, which proves it was called; a trap exits 134 like abort().
        var trapping = Write("start.wat", "(module (func (export \"_start\") unreachable))");
        var (exit, _, error) = Run("run", trapping);
        Assert.Equal(134, exit);
        Assert.StartsWith("error: trap: unreachable", error);

        // A module without imports still runs, and program arguments need no WASI imports.
        var quiet = Write("quiet.wat", "(module (func (export \"_start\")))");
        Assert.Equal((0, "", ""), Run("run", quiet));
        Assert.Equal((0, "", ""), Run("run", quiet, "x"));

        var (noStartExit, _, noStart) = Run("run", Write("calc.wat", Calculator));
        Assert.Equal(2, noStartExit);
        Assert.Contains("no \"_start\" function", noStart);
        Assert.Contains("--invoke", noStart);

        // proc_exit's code is the process's exit code.
        var exiting = Write("wasi.wat", """
            (module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (func (export "_start") (call $exit (i32.const 42))))
            """);
        Assert.Equal((42, "", ""), Run("run", exiting));
    }

    [Fact]
    public void AProgramWritesToStdoutAndSeesItsArgumentsAndEnvironment()
    {
        // Writes argc, then the environment's total size, as digits: "3 8\n" for argv
        // [prog, a, b] and FOO=bar\0.
        var program = Write("args.wat", """
            (module
              (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "args_sizes_get" (func $args (param i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env (param i32 i32) (result i32)))
              (memory (export "memory") 1)
              (func (export "_start")
                (drop (call $args (i32.const 100) (i32.const 104)))
                (drop (call $env (i32.const 108) (i32.const 112)))
                (i32.store8 (i32.const 200) (i32.add (i32.const 48) (i32.load (i32.const 100))))
                (i32.store8 (i32.const 201) (i32.const 32))
                (i32.store8 (i32.const 202) (i32.add (i32.const 48) (i32.load (i32.const 112))))
                (i32.store8 (i32.const 203) (i32.const 10))
                (i32.store (i32.const 0) (i32.const 200))
                (i32.store (i32.const 4) (i32.const 4))
                (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
            """);
        Assert.Equal((0, "3 8\n", ""), Run("run", "--env", "FOO=bar", program, "a", "b"));
        Assert.Equal(2, Run("run", "--env", "FOO", program).Exit);
        Assert.Contains("no directory", Run("run", "--dir", Path.Combine(_dir.FullName, "missing"), program).Err);
    }

    [Theory]
    [InlineData("")]
    [InlineData("guard")]
    [InlineData("explicit")]
    public void OutOfBoundsAccessesTrapWithEitherKindOfBoundsCheck(string mode)
    {
        string[] bounds = mode == "" ? [] : ["--bounds", mode];
        // One page is 65,536 bytes: an i64 at 65,528 is its last, at 65,529 it straddles the end.
        var path = Write("oob.wat", """
            (module (memory 1)
              (func $read (param i32) (result i64) (i64.load (local.get 0)))
              (func (export "read") (param i32) (result i64) (call $read (local.get 0))))
            """);
        Assert.Equal((0, "0\n", ""), Run(["run", .. bounds, "--invoke", "read", path, "65528"]));
        var (exit, output, error) = Run(["run", .. bounds, "--invoke", "read", path, "65529"]);
        Assert.Equal((134, ""), (exit, output));
        Assert.StartsWith("error: trap: out of bounds memory access\nwasm backtrace:\n     0: read (func 0)\n     1: func 1", error);
    }

    [Fact]
    public void BoundsTakesGuardOrExplicit()
    {
        var (exit, _, error) = Run("run", "--bounds", "none", "--invoke", "f", "x.wat");
        Assert.Equal(2, exit);
        Assert.Contains("--bounds takes guard or explicit, not 'none'", error);
    }

    [Fact]
    public void InvalidModulesAreErrorsWithTheirLine()
    {
        var path = Write("bad.wat", "(module\n  (func (export \"f\") (result i32) f32.const 1))");
        var (exit, _, error) = Run("run", "--invoke", "f", path);
        Assert.Equal(1, exit);
        Assert.StartsWith($"error: {path}:2:", error);
        Assert.Contains("type mismatch", error);
    }

    [Fact]
    public void CompiledModulesAreCachedInCacheDirUnlessNoCache()
    {
        // run caches every module, however small (loading an entry beats compiling even hello.wasm).
        var program = CalculatorWasm();
        var cache = Path.Combine(_dir.FullName, "cache");
        string[] Entries() => Directory.Exists(cache) ? Directory.GetFiles(cache, "*.dll", SearchOption.AllDirectories) : [];

        Assert.Equal((0, "-1\n", ""), Run("run", "--no-cache", "--cache-dir", cache, "--invoke", "div", program, "7", "-7"));
        Assert.Empty(Entries());

        // 7 / -7 and 2^40 * 3 by hand; the second run of each loads the entry the first wrote.
        Assert.Equal((0, "-1\n", ""), Run("run", "--cache-dir", cache, "--invoke", "div", program, "7", "-7"));
        Assert.Single(Entries());
        Assert.Equal((0, "3298534883328\n", ""), Run("run", "--cache-dir", cache, "--invoke", "mul64", program, "1099511627776", "3"));
        Assert.Single(Entries());

        // A damaged entry is compiled again and replaced, never an error.
        var entry = Entries()[0];
        File.WriteAllBytes(entry, [1, 2, 3]);
        Assert.Equal((0, "-1\n", ""), Run("run", "--cache-dir", cache, "--invoke", "div", program, "7", "-7"));
        Assert.True(new FileInfo(entry).Length > 3);
        Assert.Equal(2, Run("run", "--cache-dir", program).Exit);

        // The same module compiled for guard pages has its own entry: that code has no bounds checks.
        Assert.Equal((0, "-1\n", ""), Run("run", "--cache-dir", cache, "--bounds", "guard", "--invoke", "div", program, "7", "-7"));
        Assert.Equal((0, "-1\n", ""), Run("run", "--cache-dir", cache, "--bounds", "explicit", "--invoke", "div", program, "7", "-7"));
        var names = Entries().Select(Path.GetFileName).ToArray();
        bool guarded = new Engine(options: new EngineOptions { BoundsChecks = BoundsChecks.GuardPages }).BoundsChecks == BoundsChecks.GuardPages;
        Assert.Equal(guarded ? 2 : 1, names.Length);
        Assert.Single(names, n => !n!.EndsWith("-guard.dll", StringComparison.Ordinal));
    }

    /// <summary>A program using the task API runs under the kernel: its first task spawns a child
    /// (table slot 0) that sends 41 + 1 back; the parent exits with the value it received.</summary>
    private const string TaskProgram = """
        (module
          (import "tessera_task" "self" (func $self (result i64)))
          (import "tessera_task" "spawn" (func $spawn (param i32 i64) (result i64)))
          (import "tessera_task" "send_value" (func $send (param i64 i32 i64) (result i32)))
          (import "tessera_task" "receive_value" (func $receive (param i32 i64) (result i64)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (table (export "__indirect_function_table") 1 funcref)
          (elem (i32.const 0) $child)
          (func $child (param $parent i64)
            (drop (call $send (local.get $parent) (i32.const 7) (i64.const 42))))
          (func (export "_start")
            (drop (call $spawn (i32.const 0) (call $self)))
            (call $exit (i32.wrap_i64 (call $receive (i32.const 7) (i64.const 10000)))))
          (func (export "answer") (result i64)
            (drop (call $spawn (i32.const 0) (call $self)))
            (call $receive (i32.const 7) (i64.const 10000))))
        """;

    [Fact]
    public void ProgramUsingTheTaskApiRunsUnderTheKernel()
    {
        var path = Write("tasks.wat", TaskProgram);
        Assert.Equal((42, "", ""), Run("run", path));
        Assert.Equal((0, "42\n", ""), Run("run", "--invoke", "answer", path));
    }
}
