using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text;
using Tessera.Wasm.Runtime;
using Tessera.Wasm.Text;

namespace Tessera.Wasm.Tests.Text;

/// <summary>
/// Text nested to <see cref="TextLimits.MaxNestingDepth"/> reads, one level deeper is a
/// <see cref="WatSyntaxException"/>, and no depth of input overflows the host stack: every case runs
/// on a thread with a 256 KiB stack, a sixth of a thread-pool thread's 1.5 MiB, so a reader that
/// recursed once per level (a few hundred bytes a frame) would crash the test host long before
/// 100,000 levels.
/// </summary>
public sealed class NestingLimitTests
{
    private const int SmallStack = 256 * 1024;

    /// <summary><paramref name="adds"/> left-nested <c>i32.add</c>s of ones in a function: lists nest
    /// module, func, the adds, and the innermost <c>(i32.const 1)</c>, so adds + 3 deep; the
    /// innermost add has two ones and every other add one more, so it returns adds + 1.</summary>
    private static string AddChain(int adds)
    {
        var b = new StringBuilder("(module (func (export \"f\") (result i32) ");
        b.Insert(b.Length, "(i32.add ", adds);
        b.Append("(i32.const 1)");
        b.Insert(b.Length, " (i32.const 1))", adds);
        return b.Append("))").ToString();
    }

    /// <summary>The prefix <c>(module (func (export "f") (result i32) </c> is 40 characters.</summary>
    private const int PrefixLength = 40;

    private static T OnSmallStack<T>(Func<T> work)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                error = e;
            }
        }, SmallStack);
        thread.Start();
        thread.Join();
        if (error is not null) ExceptionDispatchInfo.Throw(error);
        return result;
    }

    [Fact]
    public void TheLimitIsTenTimesTheValidatorsNestingDepth() =>
        Assert.Equal(TextLimits.MaxNestingDepth, 10 * new EngineLimits().MaxNestingDepth);

    [Fact]
    public void AFoldedChainAtTheLimitAssemblesOnASmallStackAndComputesItsValue()
    {
        int adds = TextLimits.MaxNestingDepth - 3;
        var wasm = OnSmallStack(() => WatAssembler.AssembleText(AddChain(adds)));
        var engine = new Engine();
        var result = new Linker().Instantiate(new Store(engine), Module.FromBytes(engine, wasm)).GetFunc("f")!.Invoke();
        Assert.Equal(99_998, result[0].AsI32());
    }

    [Fact]
    public void OnePastTheLimitIsASyntaxErrorAtTheListThatCrossesIt()
    {
        int adds = TextLimits.MaxNestingDepth - 2;
        var e = OnSmallStack(() => Assert.Throws<WatSyntaxException>(() => WatAssembler.AssembleText(AddChain(adds), "deep.wat")));
        Assert.Equal(TextLimits.NestingRule, e.Rule);
        // The 100,001st list is the add at depth 100,001 - 2: after the prefix and 99,998 adds of 9 characters.
        Assert.Equal(new TextPosition(1, PrefixLength + 99_998 * 9 + 1, PrefixLength + 99_998 * 9), e.Position);
        Assert.Contains("100,000", e.Message);
        Assert.Contains("TextLimits.MaxNestingDepth", e.Message);
        Assert.StartsWith("deep.wat:1:", e.Message);
    }

    [Fact]
    public void AMillionNestedIsRefusedQuicklyOnASmallStack()
    {
        var text = new StringBuilder("(module (func (result i32) ").Insert(27, "(i32.eqz ", 1_000_000).Append("(i32.const 1)").Append(')', 1_000_002).ToString();
        var clock = Stopwatch.StartNew();
        var e = OnSmallStack(() => Assert.Throws<WatSyntaxException>(() => WatAssembler.AssembleText(text)));
        Assert.Equal(TextLimits.NestingRule, e.Rule);
        // Reading stops at the 100,001st list, not after a million.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void FoldedBlocksAndIfsAtTheLimitAssembleOnASmallStack()
    {
        // Blocks: module, func, 99,998 blocks, (nop). Ifs: each is two lists, (if ...) and (then ...);
        // (i32.const 1) beside each then is the condition.
        int blocks = TextLimits.MaxNestingDepth - 3;
        var b = new StringBuilder("(module (func ").Insert(14, "(block ", blocks).Append("(nop)").Append(')', blocks + 2);
        var wasm = OnSmallStack(() => WatAssembler.AssembleText(b.ToString()));
        // Body: no locals, the blocks (0x02 0x40 each), nop, an end per block and the function's end.
        Assert.Equal(blocks, CountSequence(wasm, [0x02, 0x40]));

        int ifs = (TextLimits.MaxNestingDepth - 3) / 2;
        var i = new StringBuilder("(module (func ");
        i.Insert(i.Length, "(if (i32.const 1) (then ", ifs).Append("(nop)").Append(')', 2 * ifs + 2);
        wasm = OnSmallStack(() => WatAssembler.AssembleText(i.ToString()));
        Assert.Equal(ifs, CountSequence(wasm, [0x41, 0x01, 0x04, 0x40]));
    }

    [Fact]
    public void FlatBlocksNestedDeeperThanTheLimitAssembleOnASmallStack()
    {
        // Flat blocks open no lists, so only the input bounds them; the validator then refuses
        // more than EngineLimits.MaxNestingDepth.
        const int Blocks = 200_000;
        var text = new StringBuilder("(module (func ").Insert(14, "block ", Blocks).Insert(14 + 6 * Blocks, "end ", Blocks).Append("))").ToString();
        var wasm = OnSmallStack(() => WatAssembler.AssembleText(text));
        Assert.Equal(Blocks, CountSequence(wasm, [0x02, 0x40]));
        var error = Assert.Throws<WasmLimitException>(() => Module.FromBytes(new Engine(), wasm));
        Assert.Contains("nesting depth", error.Message);
    }

    [Fact]
    public void AnErrorNamingDeepTextIsReportedOnASmallStack()
    {
        // A second top-level list after (module) is refused; the message abbreviates it, and
        // rendering it must not recurse (nor render all 100,000 levels to show 57 characters).
        int adds = TextLimits.MaxNestingDepth - 1;
        var expression = new StringBuilder().Insert(0, "(i32.add ", adds).Append("(i32.const 1)").Insert(adds * 9 + 13, " (i32.const 1))", adds).ToString();
        var e = OnSmallStack(() => Assert.Throws<WatSyntaxException>(() => WatAssembler.AssembleText("(module) " + expression)));
        Assert.Equal("unexpected token", e.Rule);
        Assert.Equal(9, e.Position.Offset);
        Assert.Contains($"({expression[..57]}...)", e.Message);

        var deep = SExpr.ParseAll(AddChain(TextLimits.MaxNestingDepth - 3));
        Assert.Equal(AddChain(TextLimits.MaxNestingDepth - 3), OnSmallStack(() => deep[0].ToString()!));
    }

    [Fact]
    public void ScriptsAtTheLimitReadOnASmallStack()
    {
        // A result pattern of nested eithers (lists: assert_return, the eithers, the constant)
        // flattens to its one alternative; a module in the script reads as in a file.
        int eithers = TextLimits.MaxNestingDepth - 2;
        var script = new StringBuilder("(assert_return (invoke \"f\") ").Insert(28, "(either ", eithers).Append("(i32.const 7)").Append(')', eithers + 1).ToString();
        var commands = OnSmallStack(() => WastScript.Parse(script));
        var either = Assert.IsType<WastEither>(Assert.Single(Assert.IsType<WastAssertReturnCommand>(Assert.Single(commands)).Expected));
        Assert.Equal(7UL, Assert.IsType<WastNumber>(Assert.Single(either.Alternatives)).Bits);

        var tooDeep = script.Replace("(assert_return (invoke \"f\") ", "(assert_return (invoke \"f\") (either ").Replace("(i32.const 7)", "(i32.const 7))");
        var e = OnSmallStack(() => Assert.Throws<WatSyntaxException>(() => WastScript.Parse(tooDeep)));
        Assert.Equal(TextLimits.NestingRule, e.Rule);

        var module = OnSmallStack(() => WastScript.Parse(AddChain(TextLimits.MaxNestingDepth - 3)));
        var text = Assert.IsType<WastModuleCommand>(Assert.Single(module)).Module;
        Assert.Equal(WatAssembler.AssembleText(AddChain(TextLimits.MaxNestingDepth - 3)), OnSmallStack(() => text.ToBinary()));
    }

    private static int CountSequence(byte[] haystack, byte[] needle)
    {
        int count = 0;
        for (int at = haystack.AsSpan().IndexOf(needle); at >= 0;)
        {
            count++;
            int next = haystack.AsSpan(at + needle.Length).IndexOf(needle);
            at = next < 0 ? -1 : at + needle.Length + next;
        }
        return count;
    }
}
