using Tessera.Wasm.Model;
using Tessera.Wasm.Text;

namespace Tessera.Wasm.Tests.Text;

public class WastScriptTests
{
    private const string Script = """
        (module $m (func (export "f") (param i32) (result i32) (local.get 0)))
        (module definition $d (memory 1))
        (module instance $i $d)
        (module binary "\00asm" "\01\00\00\00")
        (module $q quote "(func" " $f)")
        (register "lib" $m)
        (invoke $m "f" (i32.const -1))
        (get "g")
        (assert_return (invoke "f" (i64.const 0x10) (f32.const -0x1p-149) (f64.const inf))
          (i32.const 7) (f32.const nan:canonical) (f64.const nan:arithmetic) (f32.const -nan:0x1))
        (assert_return (invoke "v" (v128.const i8x16 -1 0 1 2 3 4 5 6 7 8 9 10 11 12 13 255))
          (v128.const f32x4 1 nan:canonical -0 nan:arithmetic)
          (v128.const i16x8 -1 2 3 4 5 6 7 0xffff))
        (assert_return (invoke "r" (ref.null func) (ref.extern 3) (ref.host 4))
          (ref.null extern) (ref.null) (ref.extern) (ref.func) (ref.i31) (ref.struct) (ref.array) (ref.eq) (ref.any) (ref.exn)
          (either (i32.const 1) (i32.const 2)))
        (assert_trap (invoke "t") "integer divide by zero")
        (assert_trap (module (start 0)) "unreachable")
        (assert_exhaustion (invoke "e") "call stack exhausted")
        (assert_exception (invoke "x"))
        (assert_malformed (module quote "(func") "unexpected end")
        (assert_invalid (module (func (result i32))) "type mismatch")
        (assert_unlinkable (module (import "a" "b" (func))) "unknown import")
        (assert_uninstantiable (module binary "") "x")
        (thread $T (shared (module $M)))
        (wait $T)
        """;

    private static readonly IReadOnlyList<WastCommand> Commands = WastScript.Parse(Script, "s.wast");

    [Fact]
    public void ReadsEveryCommandKind()
    {
        Assert.Equal(
            [
                WastCommandKind.Module, WastCommandKind.Module, WastCommandKind.ModuleInstance, WastCommandKind.Module, WastCommandKind.Module,
                WastCommandKind.Register, WastCommandKind.Action, WastCommandKind.Action, WastCommandKind.AssertReturn, WastCommandKind.AssertReturn,
                WastCommandKind.AssertReturn, WastCommandKind.AssertTrap, WastCommandKind.AssertUninstantiable, WastCommandKind.AssertExhaustion,
                WastCommandKind.AssertException, WastCommandKind.AssertMalformed, WastCommandKind.AssertInvalid, WastCommandKind.AssertUnlinkable,
                WastCommandKind.AssertUninstantiable, WastCommandKind.Unsupported, WastCommandKind.Unsupported,
            ],
            Commands.Select(c => c.Kind));
        Assert.Equal((2, 1, 71), (Commands[1].Position.Line, Commands[1].Position.Column, Commands[1].Position.Offset));
    }

    [Fact]
    public void ReadsModulesInEveryForm()
    {
        var text = ((WastModuleCommand)Commands[0]).Module;
        Assert.Equal(("m", WastModuleForm.Text, false), (text.Id, text.Form, text.IsDefinition));
        Assert.Equal("module", text.Text!.Head);
        var definition = ((WastModuleCommand)Commands[1]).Module;
        Assert.True(definition.IsDefinition);
        Assert.Equal("(module $d (memory 1))", definition.Text!.ToString());
        var instance = (WastModuleInstanceCommand)Commands[2];
        Assert.Equal(("i", "d"), (instance.InstanceId, instance.DefinitionId));
        var binary = ((WastModuleCommand)Commands[3]).Module;
        Assert.Equal(WastModuleForm.Binary, binary.Form);
        Assert.Equal([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0], binary.Bytes);
        var quote = ((WastModuleCommand)Commands[4]).Module;
        Assert.Equal(("q", WastModuleForm.Quote), (quote.Id, quote.Form));
        Assert.Equal("(func $f)", quote.QuoteText());
    }

    [Fact]
    public void ReadsActionsAndRegister()
    {
        var register = (WastRegisterCommand)Commands[5];
        Assert.Equal(("lib", "m"), (register.Name, register.ModuleId));
        var invoke = ((WastActionCommand)Commands[6]).Action;
        Assert.Equal((true, "m", "f"), (invoke.IsInvoke, invoke.ModuleId, invoke.Name));
        var arg = Assert.IsType<WastNumber>(Assert.Single(invoke.Arguments));
        Assert.Equal((ValType.I32, 0xffffffffUL), (arg.Type, arg.Bits));
        var get = ((WastActionCommand)Commands[7]).Action;
        Assert.Equal((false, null, "g"), (get.IsInvoke, get.ModuleId, get.Name));
    }

    [Fact]
    public void ReadsNumbersAndNanPatterns()
    {
        var r = (WastAssertReturnCommand)Commands[8];
        Assert.Equal(
            [(ValType.I64, 0x10UL, NanPattern.None), (ValType.F32, 0x80000001UL, NanPattern.None), (ValType.F64, 0x7ff0000000000000UL, NanPattern.None)],
            r.Action.Arguments.Cast<WastNumber>().Select(n => (n.Type, n.Bits, n.Pattern)));
        Assert.Equal(
            [(ValType.I32, 7UL, NanPattern.None), (ValType.F32, 0UL, NanPattern.Canonical), (ValType.F64, 0UL, NanPattern.Arithmetic), (ValType.F32, 0xff800001UL, NanPattern.None)],
            r.Expected.Cast<WastNumber>().Select(n => (n.Type, n.Bits, n.Pattern)));
    }

    [Fact]
    public void ReadsVectorsLaneByLane()
    {
        var r = (WastAssertReturnCommand)Commands[9];
        var arg = Assert.IsType<WastVector>(Assert.Single(r.Action.Arguments));
        Assert.Equal(V128Shape.I8x16, arg.Shape);
        Assert.Equal([0xff, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0xff], arg.ToBytes());
        var f = Assert.IsType<WastVector>(r.Expected[0]);
        Assert.Equal([0x3f800000UL, 0, 0x80000000UL, 0], f.Lanes);
        Assert.Equal([NanPattern.None, NanPattern.Canonical, NanPattern.None, NanPattern.Arithmetic], f.LanePatterns);
        Assert.False(f.IsExact);
        var i = Assert.IsType<WastVector>(r.Expected[1]);
        Assert.Equal([0xff, 0xff, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0xff, 0xff], i.ToBytes());
    }

    [Fact]
    public void ReadsReferencesAndEither()
    {
        var r = (WastAssertReturnCommand)Commands[10];
        var args = r.Action.Arguments.Cast<WastReference>().ToArray();
        Assert.Equal((WastRefKind.Null, "func"), (args[0].Kind, args[0].HeapTypeText));
        Assert.Equal(HeapType.Func, args[0].HeapType);
        Assert.Equal((WastRefKind.Extern, 3UL), (args[1].Kind, args[1].Payload));
        Assert.Equal((WastRefKind.Host, 4UL), (args[2].Kind, args[2].Payload));
        var results = r.Expected.Take(10).Cast<WastReference>().Select(x => (x.Kind, x.HeapTypeText, x.Payload)).ToArray();
        Assert.Equal(
            [
                (WastRefKind.Null, "extern", null), (WastRefKind.Null, null, null), (WastRefKind.Extern, null, null), (WastRefKind.Func, null, null),
                (WastRefKind.I31, null, null), (WastRefKind.Struct, null, null), (WastRefKind.Array, null, null), (WastRefKind.Eq, null, null),
                (WastRefKind.Any, null, null), (WastRefKind.Exn, null, null),
            ],
            results);
        var either = Assert.IsType<WastEither>(r.Expected[10]);
        Assert.Equal([1UL, 2UL], either.Alternatives.Cast<WastNumber>().Select(n => n.Bits));
    }

    [Fact]
    public void ReadsAssertionsWithMessages()
    {
        Assert.Equal("integer divide by zero", ((WastAssertActionCommand)Commands[11]).Message);
        var trapModule = (WastAssertModuleCommand)Commands[12];
        Assert.Equal(("unreachable", WastModuleForm.Text), (trapModule.Message, trapModule.Module.Form));
        Assert.Null(((WastAssertActionCommand)Commands[14]).Message);
        var malformed = (WastAssertModuleCommand)Commands[15];
        Assert.Equal(("unexpected end", "(func"), (malformed.Message, malformed.Module.QuoteText()));
        Assert.Equal("thread", ((WastUnsupportedCommand)Commands[19]).Head);
    }

    [Fact]
    public void AnInlineModuleScriptIsOneModule()
    {
        var command = Assert.Single(WastScript.Parse("(func) (memory 0) (func (export \"f\"))"));
        var module = ((WastModuleCommand)command).Module;
        Assert.Equal("(module (func) (memory 0) (func (export \"f\")))", module.Text!.ToString());
    }

    [Fact]
    public void QuotedTextMustBeUtf8()
    {
        var command = (WastModuleCommand)Assert.Single(WastScript.Parse("(module quote \"(func $\\ff)\")"));
        Assert.Equal("malformed UTF-8 encoding", Assert.Throws<WatSyntaxException>(() => command.Module.QuoteText()).Rule);
    }

    [Theory]
    [InlineData("(assert_return (invoke \"f\" (f32.const nan:canonical)))", "unexpected token")] // patterns are results only
    [InlineData("(assert_return (invoke \"f\") (i32.const 0x1_0000_0000))", "constant out of range")]
    [InlineData("(assert_return (invoke \"f\") (i32.const 1.5))", "unexpected token")]
    [InlineData("(assert_return (invoke \"f\") (v128.const i32x4 1 2 3))", "wrong number of lane literals")]
    [InlineData("(invoke \"f\" (i32.const 0x))", "unknown operator 0x")]
    [InlineData("(bogus)", "unknown operator bogus")]
    [InlineData("(assert_trap (invoke \"f\"))", "unexpected token")]
    [InlineData("(invoke \"f\" (ref.extern))", "unexpected token")]
    public void RejectsMalformedScripts(string text, string rule)
    {
        var e = Assert.Throws<WatSyntaxException>(() => WastScript.Parse(text, "bad.wast"));
        Assert.Equal(rule, e.Rule);
        Assert.Contains("bad.wast:1:", e.Message);
    }
}
