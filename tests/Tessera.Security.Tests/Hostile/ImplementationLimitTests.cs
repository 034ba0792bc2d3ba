using Tessera.Wasm;
using Tessera.Wasm.Runtime;
using Xunit.Abstractions;
using static Tessera.Security.Tests.Hostile.ModuleBytes;

namespace Tessera.Security.Tests.Hostile;

/// <summary>
/// The engine's implementation limits (docs/security.md, "Implementation limits"), each at the
/// limit, where the module must compile and compute what the arithmetic says, and one past it,
/// where it must be a <see cref="WasmLimitException"/> naming the limit: never an exception of the
/// runtime underneath (the first call of a function with 65,536 stacked values used to throw
/// <see cref="InvalidProgramException"/>, a module of 66,000 functions a
/// <see cref="TypeLoadException"/>).
/// </summary>
public sealed class ImplementationLimitTests(ITestOutputHelper output)
{
    private static readonly Engine Engine = new();

    private string Outcome(byte[] bytes, TimeSpan bound, Engine? engine = null, string export = "f", params Value[] arguments) =>
        ModuleOutcome.Of(output, bytes, bound, engine ?? Engine, export, arguments);

    private static void AssertLimit(string outcome, string limit)
    {
        Assert.StartsWith(nameof(WasmLimitException), outcome);
        Assert.Contains(limit, outcome);
    }

    /// <summary><paramref name="height"/> copies of <c>i32.const 1</c>, a block (a label: the
    /// compiler moves every stacked value to its home), then additions down to one value.</summary>
    private static byte[] StackedOnes(int height) =>
        OneFunction(NoLocals, [.. Repeat([0x41, 0x01], height), 0x02, 0x40, 0x0b, .. Repeat([0x6a], height - 1)]);

    /// <summary><paramref name="height"/> copies of <c>i32.const 1</c> and the additions that sum
    /// them, with no label between: the IL stack alone would hold them all.</summary>
    private static byte[] UnspilledOnes(int height) =>
        OneFunction(NoLocals, [.. Repeat([0x41, 0x01], height), .. Repeat([0x6a], height - 1)]);

    [Fact]
    public void OperandStackAtTheLimitCompilesAndRuns()
    {
        // 50,000 ones added up: 50,000. Also past the 16-bit IL max stack (65,535) that the
        // unspilled form ran into, had the limit been set higher.
        Assert.Equal("ran: i32:50000", Outcome(StackedOnes(50_000), TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void OperandStackPastTheLimitIsRefused()
    {
        AssertLimit(Outcome(StackedOnes(50_001), TimeSpan.FromSeconds(20)), "operand stack height");
        // 65,536 values without a label: the shape that reached the JIT and failed at the first call.
        AssertLimit(Outcome(UnspilledOnes(65_536), TimeSpan.FromSeconds(20)), "operand stack height");
    }

    [Fact]
    public void OperandStackBeyondTheIlStackCompilesWhenTheLimitAllowsIt()
    {
        // With the engine's limit raised, 70,000 unspilled constants must still compile: the
        // compiler moves the IL stack to homes before it reaches IL's 16-bit max stack.
        var raised = new Engine(options: new EngineOptions { Limits = new EngineLimits { MaxOperandStackHeight = 100_000 } });
        string outcome = Outcome(UnspilledOnes(70_000), TimeSpan.FromSeconds(60), raised);
        // 70,000 homes do not fit 65,535 IL locals: the compiler's own limit, named.
        AssertLimit(outcome, "IL locals");
        Assert.Equal("ran: i32:60000", Outcome(UnspilledOnes(60_000), TimeSpan.FromSeconds(60), raised));
    }

    /// <summary>49,999 i32 locals (all zero) and <paramref name="height"/> i64 ones stacked over a
    /// label: every i64 gets a home of its own beside the locals, so the function's IL locals
    /// number about 50,000 + height.</summary>
    private static byte[] LocalsAndStack(int height) =>
        OneFunction([0x01, .. Leb(49_999), 0x7f], [.. Repeat([0x42, 0x01], height), 0x02, 0x40, 0x0b, .. Repeat([0x7c], height - 1), 0xa7, 0x20, .. Leb(49_998), 0x6a]);

    [Fact]
    public void IlLocalsWithinTheBudgetCompileAndRun()
    {
        // The sum of 15,000 ones, wrapped to i32, plus a zero local.
        Assert.Equal("ran: i32:15000", Outcome(LocalsAndStack(15_000), TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void IlLocalsPastTheBudgetAreRefusedWhileCompiling()
    {
        // 49,999 + 16,000 > 65,535: both engine limits hold, the method's locals do not.
        AssertLimit(Outcome(LocalsAndStack(16_000), TimeSpan.FromSeconds(60)), "IL locals of one compiled function");
    }

    /// <summary>A module whose function "f" has <paramref name="count"/> i32 parameters and returns
    /// the last one.</summary>
    private static byte[] Parameters(int count) =>
        OneFunctionOfType([0x60, .. Leb((ulong)count), .. Repeat([0x7f], count), 0x01, 0x7f], NoLocals, [0x20, .. Leb((ulong)(count - 1))]);

    [Fact]
    public void ParametersAtTheLimitRun()
    {
        var arguments = Enumerable.Range(1, 1_000).Select(Value.I32).ToArray();
        Assert.Equal("ran: i32:1000", Outcome(Parameters(1_000), TimeSpan.FromSeconds(30), arguments: arguments));
    }

    [Fact]
    public void ParametersPastTheLimitAreRefused() =>
        AssertLimit(Outcome(Parameters(1_001), TimeSpan.FromSeconds(10)), "parameters per function type");

    /// <summary>A module whose function "f" returns <paramref name="count"/> i32s: 1, 2, ..., count.</summary>
    private static byte[] Results(int count)
    {
        var code = new List<byte>();
        for (int i = 1; i <= count; i++) code.AddRange([0x41, .. SignedLeb(i)]);
        return OneFunctionOfType([0x60, 0x00, .. Leb((ulong)count), .. Repeat([0x7f], count)], NoLocals, [.. code]);
    }

    [Fact]
    public void ResultsAtTheLimitRun()
    {
        string outcome = Outcome(Results(1_000), TimeSpan.FromSeconds(30));
        Assert.Equal("ran: " + string.Join(' ', Enumerable.Range(1, 1_000).Select(i => $"i32:{i}")), outcome);
    }

    [Fact]
    public void ResultsPastTheLimitAreRefused() =>
        AssertLimit(Outcome(Results(1_001), TimeSpan.FromSeconds(10)), "results per function type");

    [Fact]
    public void MoreFunctionsThanOneGeneratedTypeHoldsCompileAndRun()
    {
        // 100,000 functions: the runtime refuses a type of about 65,500 methods, so they are spread
        // over types. last(0) = n - 1 and last(5) = 5 + n - 1 (ManyFunctionsModule says why); f0(3) = 3.
        var bytes = ManyFunctionsModule.Build(100_000);
        var module = Module.FromBytes(Engine, bytes);
        var instance = new Linker().Instantiate(new Store(Engine), module);
        Assert.Equal(99_999, instance.GetFunc("last")!.Invoke(Value.I32(0))[0].AsI32());
        Assert.Equal(100_004, instance.GetFunc("last")!.Invoke(Value.I32(5))[0].AsI32());
        Assert.Equal(3, instance.GetFunc("f0")!.Invoke(Value.I32(3))[0].AsI32());
    }

    [Fact]
    public void MoreFunctionsThanOneGeneratedTypeHoldsLoadFromTheModuleCache()
    {
        // 70,000 functions (three generated types) through a saved image and back: the image's
        // methods are found by row, type by type.
        string directory = Path.Combine(Path.GetTempPath(), "tessera-limits-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cached = new Engine(options: new EngineOptions { UseCache = true, CacheDirectory = directory });
            var bytes = ManyFunctionsModule.Build(70_000);
            Module.FromBytes(cached, bytes);
            var loaded = Module.FromBytes(new Engine(options: new EngineOptions { UseCache = true, CacheDirectory = directory }), bytes);
            var instance = new Linker().Instantiate(new Store(loaded.Engine), loaded);
            Assert.Equal(69_999, instance.GetFunc("last")!.Invoke(Value.I32(0))[0].AsI32());
            Assert.Equal(70_001, instance.GetFunc("last")!.Invoke(Value.I32(2))[0].AsI32());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void MoreResumableFunctionsThanOneGeneratedTypeHoldsCompileAndRun()
    {
        // Preemptible code: function 0 has a loop, so every function (each calls the one below it)
        // is resumable and has a resume copy; 40,000 of each are 80,000 methods.
        var preemptible = new Engine(options: new EngineOptions { Preemptible = true });
        var module = Module.FromBytes(preemptible, ManyFunctionsModule.Build(40_000, loopInFirst: true));
        var instance = new Linker().Instantiate(new Store(preemptible), module);
        Assert.Equal(39_999, instance.GetFunc("last")!.Invoke(Value.I32(0))[0].AsI32());
        Assert.Equal(40_006, instance.GetFunc("last")!.Invoke(Value.I32(7))[0].AsI32());
    }

    [Fact]
    public void FunctionCountAtAndPastAConfiguredLimit()
    {
        var limited = new Engine(options: new EngineOptions { Limits = new EngineLimits { MaxFunctions = 3_000 } });
        Assert.Equal("ran: i32:2999", Outcome(ManyFunctionsModule.Build(3_000), TimeSpan.FromSeconds(30), limited, "last", Value.I32(0)));
        AssertLimit(Outcome(ManyFunctionsModule.Build(3_001), TimeSpan.FromSeconds(10), limited, "last", Value.I32(0)), "functions");
    }

    /// <summary>A module of exactly <paramref name="size"/> bytes (at least 40) whose "f" returns 7:
    /// the module, then a custom section padding it out.</summary>
    private static byte[] ModuleOfSize(int size)
    {
        byte[] module = OneFunction(NoLocals, [0x41, 0x07]);
        // A custom section: id 0, its size, a one-byte name "p", padding. Its size field is one
        // byte under 128 and two up to 16,383.
        int content = size - module.Length - 1;
        int sizeBytes = content - 1 < 128 ? 1 : 2;
        content -= sizeBytes;
        byte[] padded = [.. module, .. Section(0, [0x01, (byte)'p', .. new byte[content - 2]])];
        Assert.Equal(size, padded.Length);
        return padded;
    }

    [Fact]
    public void ModuleBytesAtAndPastAConfiguredLimit()
    {
        var limited = new Engine(options: new EngineOptions { Limits = new EngineLimits { MaxModuleBytes = 1_000 } });
        Assert.Equal("ran: i32:7", Outcome(ModuleOfSize(1_000), TimeSpan.FromSeconds(10), limited));
        AssertLimit(Outcome(ModuleOfSize(1_001), TimeSpan.FromSeconds(10), limited), "module size in bytes");
    }

    /// <summary>A body of exactly <paramref name="bodyBytes"/> bytes (its size field's value: the
    /// local declarations, the code and its end): <c>i32.const 0</c>, then <c>i32.const 1;
    /// i32.add</c> as often as fits, then <c>nop</c>s. Returns the module and the sum.</summary>
    private static (byte[] Module, int Sum) BodyOfSize(int bodyBytes)
    {
        int code = bodyBytes - 2 - 2; // the local declarations' count, the end, i32.const 0
        int additions = code / 3;
        return (OneFunction(NoLocals, [0x41, 0x00, .. Repeat([0x41, 0x01, 0x6a], additions), .. Repeat([0x01], code - 3 * additions)]), additions);
    }

    [Fact]
    public void FunctionBodyAtTheLimitCompilesAndRuns()
    {
        // 7,654,321 bytes (the JS API's limit): 2,551,439 additions of 1.
        var (module, sum) = BodyOfSize(7_654_321);
        Assert.Equal(2_551_439, sum);
        Assert.Equal($"ran: i32:{sum}", Outcome(module, TimeSpan.FromSeconds(120)));
    }

    [Fact]
    public void FunctionBodyOneBytePastTheLimitIsRefused() =>
        AssertLimit(Outcome(BodyOfSize(7_654_322).Module, TimeSpan.FromSeconds(20)), "function body size in bytes");

    [Fact]
    public void LocalsOnePastTheLimitAreRefused() =>
        AssertLimit(Outcome(OneFunction([0x01, .. Leb(50_001), 0x7f], [0x20, .. Leb(50_000)]), TimeSpan.FromSeconds(10)), "locals per function");

    /// <summary><paramref name="depth"/> nested blocks of result i32 around <c>i32.const 7</c>,
    /// which travels out through every level.</summary>
    private static byte[] Nested(int depth) => OneFunction(NoLocals, [.. Repeat([0x02, 0x7f], depth), 0x41, 0x07, .. Repeat([0x0b], depth)]);

    [Fact]
    public void NestingAtTheLimitCompilesAndRuns() =>
        Assert.Equal("ran: i32:7", Outcome(Nested(10_000), TimeSpan.FromSeconds(60)));

    [Fact]
    public void NestingOnePastTheLimitIsRefused() =>
        AssertLimit(Outcome(Nested(10_001), TimeSpan.FromSeconds(10)), "nesting depth of blocks");

    [Fact]
    public void ALimitBelowOneIsAConfigurationError()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new EngineLimits { MaxOperandStackHeight = -1 });
        Assert.Equal(nameof(EngineLimits.MaxOperandStackHeight), e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new EngineLimits { MaxModuleBytes = 0 });
        Assert.Equal(nameof(EngineLimits.MaxModuleBytes), e.ParamName);
        Assert.Equal(1, new EngineLimits { MaxNestingDepth = 1 }.MaxNestingDepth);
    }
}
