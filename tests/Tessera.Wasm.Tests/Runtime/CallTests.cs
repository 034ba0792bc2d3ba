using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>
/// Calls across the embedding boundary in both directions: typed and untyped host functions with
/// their caller, typed delegates into WebAssembly, references through imports and tables, store
/// checks. Expected values are arithmetic done by hand.
/// </summary>
public class CallTests
{
    private static readonly Engine s_engine = new();

    private static Instance Instantiate(string wat, Linker? linker = null, Store? store = null) =>
        (linker ?? new Linker()).Instantiate(store ?? new Store(s_engine), Module.FromText(s_engine, wat));

    [Fact]
    public void TypedHostFunctionIsCalledWithItsArgumentsAndResult()
    {
        var linker = new Linker().Define("env", "mad", Func.Wrap((int a, long b, double c) => a * b + (long)c));
        var instance = Instantiate("""
            (module (import "env" "mad" (func $mad (param i32 i64 f64) (result i64)))
              (func (export "run") (result i64) (call $mad (i32.const 6) (i64.const 7) (f64.const 0.5))))
            """, linker);
        Assert.Equal(42L, instance.GetFunc("run")!.Invoke()[0].AsI64());
    }

    [Fact]
    public void HostFunctionReadsTheCallersMemoryThroughCaller()
    {
        string? seen = null;
        var linker = new Linker().Define("env", "print", Func.Wrap((Caller caller, int ptr, int len) =>
        {
            seen = System.Text.Encoding.UTF8.GetString(caller.Memory!.Span.Slice(ptr, len));
        }));
        var instance = Instantiate("""
            (module (import "env" "print" (func $print (param i32 i32)))
              (memory 1) (data (i32.const 16) "hello, caller")
              (func (export "run") (call $print (i32.const 16) (i32.const 13))))
            """, linker);
        instance.GetFunc("run")!.Invoke();
        Assert.Equal("hello, caller", seen);
    }

    [Fact]
    public void EachImportingInstanceIsItsOwnCaller()
    {
        var callers = new List<Instance?>();
        var linker = new Linker().Define("env", "who", Func.FromCallback(new FuncType([], []), (caller, _, _) => callers.Add(caller.Instance)));
        const string wat = """(module (import "env" "who" (func $who)) (func (export "run") (call $who)))""";
        var a = Instantiate(wat, linker);
        var b = Instantiate(wat, linker);
        b.GetFunc("run")!.Invoke();
        a.GetFunc("run")!.Invoke();
        Assert.Equal([b, a], callers);
    }

    [Fact]
    public void UntypedCallbackReturnsSeveralResults()
    {
        var divmod = Func.FromCallback(new FuncType([ValType.I32, ValType.I32], [ValType.I32, ValType.I32]), (_, args, results) =>
        {
            results[0] = Value.I32(args[0].AsI32() / args[1].AsI32());
            results[1] = Value.I32(args[0].AsI32() % args[1].AsI32());
        });
        var instance = Instantiate("""
            (module (import "env" "divmod" (func $divmod (param i32 i32) (result i32 i32)))
              (func (export "run") (result i32) (call $divmod (i32.const 47) (i32.const 10)) (i32.mul (i32.const 100)) (i32.add)))
            """, new Linker().Define("env", "divmod", divmod));
        // 47 / 10 = 4, 47 % 10 = 7: 4 + 7 * 100.
        Assert.Equal(704, instance.GetFunc("run")!.Invoke()[0].AsI32());
    }

    [Fact]
    public void HostFunctionReturningTheWrongTypeTraps()
    {
        var bad = Func.FromCallback(new FuncType([], [ValType.I32]), (_, _, results) => results[0] = Value.I64(1));
        var instance = Instantiate("""(module (import "env" "bad" (func $bad (result i32))) (func (export "run") (result i32) (call $bad)))""",
            new Linker().Define("env", "bad", bad));
        Assert.Equal(TrapKind.HostError, Assert.Throws<WasmTrap>(() => instance.GetFunc("run")!.Invoke()).Kind);
    }

    [Fact]
    public void TrapInAHostFunctionUnwindsThroughWebAssembly()
    {
        var linker = new Linker().Define("env", "fail", Func.Wrap(new Action(() => throw new WasmTrap(TrapKind.Unreachable))));
        var instance = Instantiate("""(module (import "env" "fail" (func $fail)) (func (export "run") (call $fail)))""", linker);
        Assert.Equal(TrapKind.Unreachable, Assert.Throws<WasmTrap>(() => instance.GetFunc("run")!.Invoke()).Kind);
    }

    [Fact]
    public void AsDelegateCallsWithoutBoxingAndReturnsTuples()
    {
        var instance = Instantiate("""
            (module
              (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
              (func (export "swap") (param i64 f32) (result f32 i64) (local.get 1) (local.get 0)))
            """);
        var add = instance.GetFunc("add")!.AsDelegate<Func<int, int, int>>();
        Assert.Equal(-3, add(2, -5));
        var swap = instance.GetFunc("swap")!.AsDelegate<Func<long, float, (float, long)>>();
        Assert.Equal((1.5f, 9L), swap(9, 1.5f));
    }

    [Fact]
    public void AsDelegateOfTheWrongSignatureIsRejected()
    {
        var instance = Instantiate("""(module (func (export "f") (param i32) (result i32) (local.get 0)))""");
        var e = Assert.Throws<ArgumentException>(() => instance.GetFunc("f")!.AsDelegate<Func<long, int>>());
        Assert.Contains("[i32] -> [i32]", e.Message);
    }

    [Fact]
    public void ReferencesPassThroughImportsAndIndirectCalls()
    {
        var token = new object();
        var linker = new Linker().Define("env", "same", Func.Wrap((object? a, object? b) => ReferenceEquals(a, b) ? 1 : 0));
        var instance = Instantiate("""
            (module
              (import "env" "same" (func $same (param externref externref) (result i32)))
              (type $pick (func (param externref) (result externref)))
              (table 1 funcref) (elem (i32.const 0) $id)
              (func $id (type $pick) (local.get 0))
              (func (export "run") (param externref) (result i32)
                (call $same (local.get 0) (call_indirect (type $pick) (local.get 0) (i32.const 0)))))
            """, linker);
        Assert.Equal(1, instance.GetFunc("run")!.Invoke(Value.Reference(ValType.ExternRef, token))[0].AsI32());
    }

    [Fact]
    public void IndirectCallChecksBoundsNullAndSignature()
    {
        var instance = Instantiate("""
            (module
              (type $v_i (func (result i32)))
              (table 3 funcref) (elem (i32.const 0) $seven $takes)
              (func $seven (result i32) (i32.const 7))
              (func $takes (param i32) (result i32) (local.get 0))
              (func (export "call") (param i32) (result i32) (call_indirect (type $v_i) (local.get 0))))
            """);
        var call = instance.GetFunc("call")!.AsDelegate<Func<int, int>>();
        Assert.Equal(7, call(0));
        Assert.Equal(TrapKind.IndirectCallTypeMismatch, Assert.Throws<WasmTrap>(() => call(1)).Kind);
        Assert.Equal(TrapKind.UninitializedElement, Assert.Throws<WasmTrap>(() => call(2)).Kind);
        Assert.Equal(TrapKind.UndefinedElement, Assert.Throws<WasmTrap>(() => call(3)).Kind);
        Assert.Equal(TrapKind.UndefinedElement, Assert.Throws<WasmTrap>(() => call(-1)).Kind);
    }

    [Fact]
    public void FunctionsOfAnotherStoreCannotBeImported()
    {
        var other = Instantiate("""(module (func (export "f")))""");
        var linker = new Linker().Define("env", "f", other.GetFunc("f")!);
        var e = Assert.Throws<WasmLinkException>(() => Instantiate("""(module (import "env" "f" (func)))""", linker));
        Assert.Equal("import from another store", e.Rule);
    }

    [Fact]
    public void DeepRecursionThroughAnImportTrapsInsteadOfOverflowing()
    {
        // a calls b calls a ... across two instances: each callee checks the store's stack limit.
        var store = new Store(s_engine);
        var a = Instantiate("""
            (module (import "env" "b" (func $b (param i32) (result i32)))
              (func (export "a") (param i32) (result i32) (i32.add (i32.const 1) (call $b (local.get 0)))))
            """, new Linker().Define("env", "b", Func.FromCallback(new FuncType([ValType.I32], [ValType.I32]), (_, _, r) => r[0] = Value.I32(0))), store);
        var linker = new Linker().DefineInstance("a", a);
        var b = Instantiate("""
            (module (import "a" "a" (func $a (param i32) (result i32)))
              (func $self (export "b") (param i32) (result i32) (i32.add (call $a (local.get 0)) (call $self (local.get 0)))))
            """, linker, store);
        Assert.Equal(TrapKind.StackExhausted, Assert.Throws<WasmTrap>(() => b.GetFunc("b")!.Invoke(Value.I32(0))).Kind);
    }
}

public class BacktraceTests
{
    [Fact]
    public void TrapNamesTheFunctionsItUnwoundThroughInnermostFirst()
    {
        var engine = new Engine();
        // $down recurses, so the JIT cannot inline it; $boom always throws, so it is not inlined either.
        var module = Module.FromText(engine, """
            (module $demo
              (func $boom unreachable)
              (func $down (param i32)
                (if (local.get 0) (then (call $down (i32.sub (local.get 0) (i32.const 1)))) (else (call $boom))))
              (func (export "run") (call $down (i32.const 2))))
            """);
        var instance = new Linker().Instantiate(new Store(engine), module);
        var trap = Assert.Throws<WasmTrap>(() => instance.GetFunc("run")!.Invoke());
        var names = trap.Backtrace.Select(f => f.FunctionName ?? $"func {f.FunctionIndex}").ToArray();
        Assert.Equal("boom", names[0]);
        Assert.Equal(["down", "down", "down"], names[1..4]);
        Assert.Equal(new WasmFrame("demo", 1, "down"), trap.Backtrace[1]);
        Assert.Contains("wasm backtrace:", trap.FormatBacktrace());
        Assert.Contains("demo!boom (func 0)", trap.FormatBacktrace());
    }
}

public class StackGuardTests
{
    [Fact]
    public void ThreadStackBoundsContainTheCurrentFrame()
    {
        Assert.True(Platform.Threads.ThreadStack.TryGetCurrentBounds(out nuint low, out nuint high));
        int local = 0;
        // The address of a local without unsafe code: the distance of a byref from null.
        nuint here = (nuint)System.Runtime.CompilerServices.Unsafe.ByteOffset(ref System.Runtime.CompilerServices.Unsafe.NullRef<int>(), ref local);
        Assert.InRange(here, low, high);
    }

    [Fact]
    public void DeepRecursionOnAThreadWithASmallStackTraps()
    {
        // 512 KiB is less than the 768 KiB budget: without the thread's real bounds the guard
        // would let the recursion run off the end of the stack and kill the process.
        var engine = new Engine();
        var module = Module.FromText(engine, """(module (func $f (export "f") (param i32) (result i32) (i32.add (call $f (local.get 0)) (i32.const 1))))""");
        var instance = new Linker().Instantiate(new Store(engine), module);
        TrapKind? kind = null;
        var thread = new Thread(() =>
        {
            try { instance.GetFunc("f")!.Invoke(Value.I32(0)); }
            catch (WasmTrap trap) { kind = trap.Kind; }
        }, maxStackSize: 512 * 1024);
        thread.Start();
        thread.Join();
        Assert.Equal(TrapKind.StackExhausted, kind);
    }
}
