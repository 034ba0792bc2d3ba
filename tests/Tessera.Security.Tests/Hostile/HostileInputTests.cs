using System.Diagnostics;
using Tessera.Wasm;
using Tessera.Wasm.Runtime;
using Xunit.Abstractions;
using static Tessera.Security.Tests.Hostile.ModuleBytes;

namespace Tessera.Security.Tests.Hostile;

/// <summary>
/// Modules built to hurt the engine: sizes and counts that lie, nesting and bodies far beyond
/// anything a compiler writes, branch tables with millions of targets. Each must end, within its
/// time bound, in a typed <see cref="WasmException"/> (format, validation, limit) or in a module
/// that runs and returns the value the arithmetic says; never in another exception, a hang or a
/// crash of the test process.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private static readonly Engine Engine = new();

    /// <summary>What happened to one hostile module: its result, or the typed error.</summary>
    private string Outcome(byte[] bytes, TimeSpan bound, Engine? engine = null) => ModuleOutcome.Of(output, bytes, bound, engine ?? Engine);

    [Fact]
    public void EveryTruncationOfAModuleIsMalformed()
    {
        byte[] module = OneFunction([0x01, 0x02, 0x7e], [0x41, 0x2a, 0x42, 0x07, 0x1a]); // (local i64 i64) i32.const 42 i64.const 7 drop
        Assert.StartsWith("ran: i32:42", Outcome(module, TimeSpan.FromSeconds(10)));
        // A prefix that ends where a section ends is a shorter module, and well formed unless it
        // has functions without their code section (spec 5.5.16: "function and code section
        // have inconsistent lengths"); every other prefix cuts an entry and is malformed.
        var sectionEnds = new HashSet<int> { Header.Length };
        for (int at = Header.Length; at < module.Length;)
        {
            int size = (int)ReadLeb(module, at + 1, out int sizeLength);
            at += 1 + sizeLength + size;
            sectionEnds.Add(at);
        }
        int malformed = 0;
        for (int length = 0; length < module.Length; length++)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                Module.FromBytes(Engine, module[..length]);
                Assert.Contains(length, sectionEnds);
            }
            catch (WasmFormatException)
            {
                malformed++;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2));
        }
        output.WriteLine($"{module.Length} prefixes: {malformed} malformed, the rest end at a section's end");
        Assert.True(malformed >= module.Length - sectionEnds.Count);
    }

    private static ulong ReadLeb(byte[] bytes, int at, out int length)
    {
        ulong value = 0;
        for (length = 1; ; length++)
        {
            byte b = bytes[at + length - 1];
            value |= (ulong)(b & 0x7f) << (7 * (length - 1));
            if ((b & 0x80) == 0) return value;
        }
    }

    [Fact]
    public void SectionSizeBeyondTheEndIsMalformed()
    {
        // A type section that claims 2^32-1 bytes and holds one.
        byte[] module = [.. Header, 0x01, .. Leb(uint.MaxValue), 0x00];
        Assert.StartsWith(nameof(WasmFormatException), Outcome(module, TimeSpan.FromSeconds(2)));
    }

    [Theory]
    [InlineData(1)]   // types
    [InlineData(2)]   // imports
    [InlineData(3)]   // functions
    [InlineData(5)]   // memories
    [InlineData(6)]   // globals
    [InlineData(7)]   // exports
    [InlineData(9)]   // elements
    [InlineData(10)]  // code
    [InlineData(11)]  // data
    public void HugeCountsWithoutTheirEntriesAreMalformedWithoutAllocating(byte section)
    {
        // The count says 2^32-1 entries; the section ends after it.
        byte[] module = [.. Header, .. Section(section, Leb(uint.MaxValue))];
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.StartsWith(nameof(WasmFormatException), Outcome(module, TimeSpan.FromSeconds(2)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "allocated as if the count were true");
    }

    [Fact]
    public void HugeLocalCountIsRejected()
    {
        // 2^32-1 locals of i64, declared in 5 bytes: the spec's own limit (the sum must fit in u32)
        // allows it, so the engine's limit on locals must refuse it before anything is allocated.
        byte[] module = OneFunction([0x01, .. Leb(uint.MaxValue), 0x7e], [0x41, 0x00]);
        string outcome = Outcome(module, TimeSpan.FromSeconds(5));
        Assert.StartsWith(nameof(WasmLimitException), outcome);
        Assert.Contains("locals", outcome);
    }

    [Fact]
    public void LocalsWithinTheLimitCompileAndRun()
    {
        // 50,000 locals (the default limit, as in the JS API's implementation limits), all zero.
        byte[] module = OneFunction([0x01, .. Leb(50_000), 0x7f], [0x20, .. Leb(49_999)]);
        Assert.Equal("ran: i32:0", Outcome(module, TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void DeepNestingIsRejectedAtTheLimit()
    {
        // 100,000 nested blocks: far beyond the default nesting limit.
        int depth = 100_000;
        byte[] code = [.. Repeat([0x02, 0x40], depth), .. Repeat([0x0b], depth), 0x41, 0x07];
        string outcome = Outcome(OneFunction(NoLocals, code), TimeSpan.FromSeconds(10));
        Assert.StartsWith(nameof(WasmLimitException), outcome);
        Assert.Contains("nesting", outcome);
    }

    [Fact]
    public void NestingWithinTheLimitCompilesAndRuns()
    {
        // 1,000 nested blocks whose innermost result travels out through every level.
        int depth = 1_000;
        byte[] code = [.. Repeat([0x02, 0x7f], depth), 0x41, 0x07, .. Repeat([0x0b], depth)];
        Assert.Equal("ran: i32:7", Outcome(OneFunction(NoLocals, code), TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void GiantFunctionBodyIsRejected()
    {
        // 8 MiB of i32.const 1 / drop pairs: past the default body limit (7,654,321 bytes, as in
        // the JS API's implementation limits).
        byte[] code = [.. Repeat([0x41, 0x01, 0x1a], (8 << 20) / 3), 0x41, 0x05];
        string outcome = Outcome(OneFunction(NoLocals, code), TimeSpan.FromSeconds(10));
        Assert.StartsWith(nameof(WasmLimitException), outcome);
        Assert.Contains("body", outcome);
    }

    [Fact]
    public void LargeFunctionBodyWithinTheLimitCompilesAndRuns()
    {
        // 1 MiB of straight-line arithmetic: 349,525 additions of 1 to 0.
        int additions = (1 << 20) / 3;
        byte[] code = [0x41, 0x00, .. Repeat([0x41, 0x01, 0x6a], additions)];
        Assert.Equal($"ran: i32:{additions}", Outcome(OneFunction(NoLocals, code), TimeSpan.FromSeconds(120)));
    }

    [Fact]
    public void BrTableWithAMillionTargetsIsBounded()
    {
        // block (result i32) i32.const 9 i32.const 5 br_table 0 0 ... 0 (1,000,000 targets) end:
        // index 5 takes target 5, which is the block, carrying 9 out.
        int targets = 1_000_000;
        byte[] code = [0x02, 0x7f, 0x41, 0x09, 0x41, 0x05, 0x0e, .. Leb((ulong)targets), .. Repeat([0x00], targets), 0x00, 0x0b];
        string outcome = Outcome(OneFunction(NoLocals, code), TimeSpan.FromSeconds(60));
        Assert.True(outcome == "ran: i32:9" || outcome.StartsWith(nameof(WasmLimitException), StringComparison.Ordinal), outcome);
    }

    [Fact]
    public void ModuleLargerThanTheConfiguredLimitIsRejectedBeforeDecoding()
    {
        var small = new Engine(options: new EngineOptions { Limits = new EngineLimits { MaxModuleBytes = 1000 } });
        byte[] code = [0x41, 0x00, .. Repeat([0x41, 0x01, 0x6a], 400)];
        string outcome = Outcome(OneFunction(NoLocals, code), TimeSpan.FromSeconds(5), small);
        Assert.StartsWith(nameof(WasmLimitException), outcome);
        Assert.Contains("1000", outcome);
    }

    [Fact]
    public void ManyFunctionsAreBoundedByTheFunctionLimit()
    {
        // 2,001 functions against a limit of 2,000; under the default limit they compile and run.
        var limited = new Engine(options: new EngineOptions { Limits = new EngineLimits { MaxFunctions = 2_000 } });
        int count = 2_001;
        byte[] module =
        [
            .. Header,
            .. Section(1, Vector([0x60, 0x00, 0x01, 0x7f])),
            .. Section(3, [.. Leb((ulong)count), .. Repeat([0x00], count)]),
            .. Section(7, Vector([.. Vector("f"u8.ToArray()), 0x00, 0x00])),
            .. Section(10, [.. Leb((ulong)count), .. Repeat([0x04, 0x00, 0x41, 0x03, 0x0b], count)]),
        ];
        string outcome = Outcome(module, TimeSpan.FromSeconds(10), limited);
        Assert.StartsWith(nameof(WasmLimitException), outcome);
        Assert.Equal("ran: i32:3", Outcome(module, TimeSpan.FromSeconds(120)));
    }
}
