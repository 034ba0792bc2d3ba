using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>Every trap surfaces as <see cref="WasmTrap"/> with its kind; none kills the process.</summary>
public class TrapTests
{
    private static readonly Engine s_engine = new();

    private static Func Export(string wat, string name) =>
        new Linker().Instantiate(new Store(s_engine), Module.FromText(s_engine, wat)).GetFunc(name)!;

    private static TrapKind TrapOf(Func f, params Value[] args) => Assert.Throws<WasmTrap>(() => f.Invoke(args)).Kind;

    [Fact]
    public void IntegerDivisionTraps()
    {
        var div = Export("""(module (func (export "d") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))""", "d");
        Assert.Equal(TrapKind.IntegerDivideByZero, TrapOf(div, Value.I32(1), Value.I32(0)));
        Assert.Equal(TrapKind.IntegerOverflow, TrapOf(div, Value.I32(int.MinValue), Value.I32(-1)));
        var rem = Export("""(module (func (export "r") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1))))""", "r");
        Assert.Equal(0, rem.Invoke(Value.I64(long.MinValue), Value.I64(-1))[0].AsI64());
    }

    [Fact]
    public void ConversionTraps()
    {
        var f = Export("""(module (func (export "t") (param f64) (result i32) (i32.trunc_f64_s (local.get 0))))""", "t");
        Assert.Equal(TrapKind.InvalidConversionToInteger, TrapOf(f, Value.F64(double.NaN)));
        Assert.Equal(TrapKind.IntegerOverflow, TrapOf(f, Value.F64(2147483648.0)));
        Assert.Equal(-2147483648, f.Invoke(Value.F64(-2147483648.9))[0].AsI32());
    }

    [Fact]
    public void UnreachableAndMemoryOutOfBounds()
    {
        Assert.Equal(TrapKind.Unreachable, TrapOf(Export("""(module (func (export "u") unreachable))""", "u")));
        var load = Export("""(module (memory 1) (func (export "l") (param i32) (result i64) (i64.load offset=4 (local.get 0))))""", "l");
        Assert.Equal(0, load.Invoke(Value.I32(65536 - 12))[0].AsI64());
        Assert.Equal(TrapKind.MemoryOutOfBounds, TrapOf(load, Value.I32(65536 - 11)));
        Assert.Equal(TrapKind.MemoryOutOfBounds, TrapOf(load, Value.I32(-1)));
    }

    [Fact]
    public void IndirectCallTraps()
    {
        var f = Export("""
            (module (type $v (func (result i32))) (table 3 funcref) (elem (i32.const 0) $a $b)
              (func $a (result i32) (i32.const 7)) (func $b (param i32) (result i32) (local.get 0))
              (func (export "call") (param i32) (result i32) (call_indirect (type $v) (local.get 0))))
            """, "call");
        Assert.Equal(7, f.Invoke(Value.I32(0))[0].AsI32());
        Assert.Equal(TrapKind.IndirectCallTypeMismatch, TrapOf(f, Value.I32(1)));
        Assert.Equal(TrapKind.UninitializedElement, TrapOf(f, Value.I32(2)));
        Assert.Equal(TrapKind.UndefinedElement, TrapOf(f, Value.I32(3)));
    }

    [Fact]
    public void DeepRecursionTrapsInsteadOfOverflowingTheStack()
    {
        var f = Export("""(module (func $f (export "f") (param i64) (result i64) (i64.add (call $f (local.get 0)) (i64.const 1))))""", "f");
        Assert.Equal(TrapKind.StackExhausted, TrapOf(f, Value.I64(0)));
        // The engine is usable afterwards, and recursion within the budget works.
        var sum = Export("""
            (module (func $s (export "s") (param i32) (result i32)
              (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
                (else (i32.add (local.get 0) (call $s (i32.sub (local.get 0) (i32.const 1))))))))
            """, "s");
        Assert.Equal(5000 * 5001 / 2, sum.Invoke(Value.I32(5000))[0].AsI32());
        Assert.Equal(TrapKind.StackExhausted, TrapOf(sum, Value.I32(100_000_000)));
    }

    [Fact]
    public void DeepRecursionThroughAHostFunctionTraps()
    {
        Func? self = null;
        var linker = new Linker().Define("env", "again", new Func(new Model.FuncType([], []), _ => self!.Invoke()));
        var instance = linker.Instantiate(new Store(s_engine), Module.FromText(s_engine, """
            (module (import "env" "again" (func $again)) (func (export "f") (call $again)))
            """));
        self = instance.GetFunc("f");
        Assert.Equal(TrapKind.StackExhausted, TrapOf(self!));
    }

    [Fact]
    public void TrapMessagesUseTheSpecWording()
    {
        Assert.Equal("integer divide by zero", new WasmTrap(TrapKind.IntegerDivideByZero).Rule);
        Assert.Equal("out of bounds memory access", new WasmTrap(TrapKind.MemoryOutOfBounds).Rule);
        Assert.Equal("call stack exhausted", new WasmTrap(TrapKind.StackExhausted).Rule);
    }
}
