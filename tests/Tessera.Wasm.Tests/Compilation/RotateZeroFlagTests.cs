using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Compilation;

/// <summary>
/// .NET 10's JIT drops a compare with zero that directly follows a <c>rol</c>/<c>ror</c> of the
/// compared register, believing the rotate set the zero flag; it does not. The compiler keeps
/// rotates plain and makes a rotate result opaque before every consumer that could test it
/// (FunctionCompiler.HideRotateResult). Each case rotates the argument 0, which gives 0, and
/// hands the result to one kind of consumer; the expected value is worked out in its name and
/// comment. Rotates by a constant are the ones the JIT miscompiled; rotates by a computed count
/// and the i64 forms are here so that no path is left untested.
/// </summary>
public class RotateZeroFlagTests
{
    // f is called with zeros. x = 0, so every rotate below gives 0 whatever its count.
    public static TheoryData<string, string, int> Cases => new()
    {
        // eqz 0 = 1.
        { "eqz", "(func (export \"f\") (param i32) (result i32) (i32.eqz (i32.rotl (local.get 0) (i32.const 5))))", 1 },
        { "eqz of rotr", "(func (export \"f\") (param i32) (result i32) (i32.eqz (i32.rotr (local.get 0) (i32.const 1))))", 1 },
        // br_if on 0 does not branch: the block ends with 7, not the 5 it would carry.
        { "br_if", "(func (export \"f\") (param i32) (result i32) (block (result i32) (drop (br_if 0 (i32.const 5) (i32.rotl (local.get 0) (i32.const 3)))) (i32.const 7)))", 7 },
        // if on 0 takes else.
        { "if", "(func (export \"f\") (param i32) (result i32) (if (result i32) (i32.rotr (local.get 0) (i32.const 31)) (then (i32.const 1)) (else (i32.const 2))))", 2 },
        // select with condition 0 picks its second operand.
        { "select condition", "(func (export \"f\") (param i32) (result i32) (select (i32.const 1) (i32.const 2) (i32.rotl (local.get 0) (i32.const 7))))", 2 },
        // select picks the rotate (condition 1); eqz of it is 1.
        { "select value", "(func (export \"f\") (param i32) (result i32) (i32.eqz (select (i32.rotl (local.get 0) (i32.const 7)) (i32.const 9) (i32.const 1))))", 1 },
        { "local.tee then eqz", "(func (export \"f\") (param i32) (result i32) (local i32) (i32.eqz (local.tee 1 (i32.rotl (local.get 0) (i32.const 9)))))", 1 },
        { "local.set then eqz", "(func (export \"f\") (param i32) (result i32) (local i32) (local.set 1 (i32.rotl (local.get 0) (i32.const 9))) (i32.eqz (local.get 1)))", 1 },
        // 0 == 0 is 1 with the rotate on either side (on the left it is not on top of the stack).
        { "eq 0 on the left", "(func (export \"f\") (param i32) (result i32) (i32.eq (i32.rotl (local.get 0) (i32.const 5)) (i32.const 0)))", 1 },
        { "eq 0 on the right", "(func (export \"f\") (param i32) (result i32) (i32.eq (i32.const 0) (i32.rotl (local.get 0) (i32.const 5))))", 1 },
        { "ne 0", "(func (export \"f\") (param i32) (result i32) (i32.ne (i32.rotl (local.get 0) (i32.const 5)) (i32.const 0)))", 0 },
        { "gt_u 0", "(func (export \"f\") (param i32) (result i32) (i32.gt_u (i32.rotl (local.get 0) (i32.const 5)) (i32.const 0)))", 0 },
        // x + 0, x | 0 (a local the JIT knows is 0) and x << 0 fold back to the rotate's register.
        { "add 0 then eqz", "(func (export \"f\") (param i32) (result i32) (i32.eqz (i32.add (i32.rotl (local.get 0) (i32.const 5)) (i32.const 0))))", 1 },
        { "or a zero local then eqz", "(func (export \"f\") (param i32) (result i32) (local i32) (i32.eqz (i32.or (i32.rotl (local.get 0) (i32.const 5)) (local.get 1))))", 1 },
        { "shl 0 then if", "(func (export \"f\") (param i32) (result i32) (if (result i32) (i32.shl (i32.rotl (local.get 0) (i32.const 5)) (i32.const 32)) (then (i32.const 1)) (else (i32.const 2))))", 2 },
        // Block results cross a label.
        { "block result then eqz", "(func (export \"f\") (param i32) (result i32) (i32.eqz (block (result i32) (i32.rotl (local.get 0) (i32.const 5)))))", 1 },
        // br_table index 0 leaves the inner block, which returns 10.
        { "br_table", "(func (export \"f\") (param i32) (result i32) (block (block (br_table 0 1 (i32.rotl (local.get 0) (i32.const 5)))) (return (i32.const 10))) (i32.const 20))", 10 },
        // Through a global, through memory, through conversions.
        { "global.set then eqz", "(global $g (mut i32) (i32.const 1)) (func (export \"f\") (param i32) (result i32) (global.set $g (i32.rotl (local.get 0) (i32.const 5))) (i32.eqz (global.get $g)))", 1 },
        { "store then load", "(memory 1) (func (export \"f\") (param i32) (result i32) (i32.store (i32.const 8) (i32.rotl (local.get 0) (i32.const 5))) (i32.eqz (i32.load (i32.const 8))))", 1 },
        { "extend then eqz", "(func (export \"f\") (param i32) (result i32) (i64.eqz (i64.extend_i32_u (i32.rotl (local.get 0) (i32.const 5)))))", 1 },
        { "wrap then eqz", "(func (export \"f\") (param i64) (result i32) (i32.eqz (i32.wrap_i64 (i64.rotl (local.get 0) (i64.const 5)))))", 1 },
        // Small callees the JIT inlines: one tests its argument, one returns a rotate to a test.
        { "argument tested by a callee", "(func $zero (param i32) (result i32) (i32.eqz (local.get 0))) (func (export \"f\") (param i32) (result i32) (call $zero (i32.rotl (local.get 0) (i32.const 5))))", 1 },
        { "argument branched on by a callee", "(func $pick (param i32) (result i32) (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))) (func (export \"f\") (param i32) (result i32) (call $pick (i32.rotr (local.get 0) (i32.const 3))))", 2 },
        { "result of a callee tested", "(func $rot (param i32) (result i32) (i32.rotl (local.get 0) (i32.const 5))) (func (export \"f\") (param i32) (result i32) (i32.eqz (call $rot (local.get 0))))", 1 },
        // Counts the JIT cannot see as constants: 0 + 5 from the argument, a constant expression.
        { "computed count", "(func (export \"f\") (param i32) (result i32) (i32.eqz (i32.rotl (local.get 0) (i32.add (local.get 0) (i32.const 5)))))", 1 },
        { "folded count", "(func (export \"f\") (param i32) (result i32) (i32.eqz (i32.rotr (local.get 0) (i32.mul (i32.const 1) (i32.const 3)))))", 1 },
        // i64.
        { "i64 eqz", "(func (export \"f\") (param i64) (result i32) (i64.eqz (i64.rotl (local.get 0) (i64.const 5))))", 1 },
        { "i64 eqz of rotr", "(func (export \"f\") (param i64) (result i32) (i64.eqz (i64.rotr (local.get 0) (i64.const 63))))", 1 },
        { "i64 eq 0", "(func (export \"f\") (param i64) (result i32) (i64.eq (i64.rotl (local.get 0) (i64.const 5)) (i64.const 0)))", 1 },
        { "i64 ne 0 as if", "(func (export \"f\") (param i64) (result i32) (if (result i32) (i64.ne (i64.rotl (local.get 0) (i64.const 5)) (i64.const 0)) (then (i32.const 1)) (else (i32.const 2))))", 2 },
        { "i64 select value", "(func (export \"f\") (param i64) (result i32) (i64.eqz (select (i64.rotl (local.get 0) (i64.const 7)) (i64.const 9) (i32.const 1))))", 1 },
        { "i64 local.tee then eqz", "(func (export \"f\") (param i64) (result i32) (local i64) (i64.eqz (local.tee 1 (i64.rotr (local.get 0) (i64.const 9)))))", 1 },
        { "i64 xor 0 then eqz", "(func (export \"f\") (param i64) (result i32) (i64.eqz (i64.xor (i64.rotl (local.get 0) (i64.const 5)) (i64.const 0))))", 1 },
        { "i64 argument tested by a callee", "(func $zero (param i64) (result i32) (i64.eqz (local.get 0))) (func (export \"f\") (param i64) (result i32) (call $zero (i64.rotl (local.get 0) (i64.const 5))))", 1 },
        { "i64 computed count", "(func (export \"f\") (param i64) (result i32) (i64.eqz (i64.rotl (local.get 0) (i64.add (local.get 0) (i64.const 5)))))", 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void RotateResultTestedAgainstZero(string consumer, string functions, int expected)
    {
        Assert.True(Call(functions) == expected, $"{consumer}: expected {expected}");
    }

    [Theory]
    [InlineData("i32", "i32.div_u (i32.const 7) (i32.rotl (local.get 0) (i32.const 5))")]
    [InlineData("i32", "i32.rem_s (i32.const 7) (i32.rotr (local.get 0) (i32.const 5))")]
    [InlineData("i64", "i32.wrap_i64 (i64.div_s (i64.const 7) (i64.rotl (local.get 0) (i64.const 5)))")]
    public void DivisionByARotateResultOfZeroTraps(string parameter, string body)
    {
        // The divisor rotl(0, 5) is 0: the division's zero check is itself a compare with zero.
        var trap = Assert.Throws<WasmTrap>(() => Call($"(func (export \"f\") (param {parameter}) (result i32) ({body}))"));
        Assert.Equal(TrapKind.IntegerDivideByZero, trap.Kind);
    }

    private static int Call(string functions)
    {
        var engine = new Engine();
        var f = new Linker().Instantiate(new Store(engine), Module.FromText(engine, $"(module {functions})")).GetFunc("f")!;
        return f.Invoke([.. f.Type.Parameters.Select(p => p.Kind == ValTypeKind.I64 ? Value.I64(0) : Value.I32(0))])[0].AsI32();
    }
}
