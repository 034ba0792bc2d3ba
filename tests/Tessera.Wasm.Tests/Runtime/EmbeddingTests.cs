using System.Runtime.Intrinsics;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>The embedding API as an embedder uses it: compile, link, instantiate, call.</summary>
public class EmbeddingTests
{
    private static readonly Engine s_engine = new();

    private static Instance Instantiate(string wat, Linker? linker = null, Store? store = null) =>
        (linker ?? new Linker()).Instantiate(store ?? new Store(s_engine), Module.FromText(s_engine, wat));

    [Fact]
    public void CallsAnExportedFunction()
    {
        var instance = Instantiate("""(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))""");
        var results = instance.GetFunc("add")!.Invoke(Value.I32(40), Value.I32(2));
        Assert.Equal([Value.I32(42)], results);
    }

    [Fact]
    public void RecursiveFibonacci()
    {
        var instance = Instantiate("""
            (module (func $fib (export "fib") (param i32) (result i32)
              (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
                (then (local.get 0))
                (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                               (call $fib (i32.sub (local.get 0) (i32.const 2))))))))
            """);
        Assert.Equal(6765, instance.GetFunc("fib")!.Invoke(Value.I32(20))[0].AsI32());
    }

    [Fact]
    public void HostFunctionsAndGlobalsAreImportedThroughTheLinker()
    {
        var seen = new List<long>();
        var store = new Store(s_engine);
        var linker = new Linker()
            .Define("env", "log", new Func(new FuncType([ValType.I64], []), args => { seen.Add(args[0].AsI64()); return []; }))
            .Define("env", "base", new Global(store, new GlobalType(ValType.I64, Mutable: false), Value.I64(100)));
        var instance = Instantiate("""
            (module
              (import "env" "log" (func $log (param i64)))
              (import "env" "base" (global $base i64))
              (func (export "run") (param i64) (call $log (i64.add (global.get $base) (local.get 0)))))
            """, linker, store);
        instance.GetFunc("run")!.Invoke(Value.I64(23));
        Assert.Equal([123L], seen);
    }

    [Fact]
    public void ImportOfTheWrongTypeIsALinkError()
    {
        var linker = new Linker().Define("env", "f", new Func(new FuncType([ValType.I32], []), _ => []));
        var e = Assert.Throws<WasmLinkException>(() => Instantiate("""(module (import "env" "f" (func (param i64))))""", linker));
        Assert.Equal("incompatible import type", e.Rule);
        Assert.Contains("\"env\" \"f\"", e.Message);
    }

    [Fact]
    public void UnknownImportIsALinkError()
    {
        var e = Assert.Throws<WasmLinkException>(() => Instantiate("""(module (import "env" "missing" (func)))"""));
        Assert.Equal("unknown import", e.Rule);
    }

    [Fact]
    public void TwoInstancesOfOneModuleHaveTheirOwnState()
    {
        var module = Module.FromText(s_engine, """
            (module (global $n (mut i32) (i32.const 0))
              (func (export "next") (result i32) (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n)))
            """);
        var a = new Linker().Instantiate(new Store(s_engine), module);
        var b = new Linker().Instantiate(new Store(s_engine), module);
        a.GetFunc("next")!.Invoke();
        a.GetFunc("next")!.Invoke();
        Assert.Equal(3, a.GetFunc("next")!.Invoke()[0].AsI32());
        Assert.Equal(1, b.GetFunc("next")!.Invoke()[0].AsI32());
    }

    [Fact]
    public void MemoryIsVisibleToTheHostAndGrows()
    {
        var instance = Instantiate("""
            (module (memory (export "mem") 1 3) (data (i32.const 8) "\2a")
              (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
              (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0))))
            """);
        var memory = instance.GetMemory("mem")!;
        Assert.Equal(42, memory.Span[8]);
        memory.Span[70000 % 65536] = 7;
        Assert.Equal(7, instance.GetFunc("load")!.Invoke(Value.I32(70000 % 65536))[0].AsI32());
        Assert.Equal(1, instance.GetFunc("grow")!.Invoke(Value.I32(2))[0].AsI32());
        Assert.Equal(3, memory.Pages);
        Assert.Equal(-1, instance.GetFunc("grow")!.Invoke(Value.I32(1))[0].AsI32());
        Assert.Equal(0, instance.GetFunc("load")!.Invoke(Value.I32(3 * 65536 - 1))[0].AsI32());
    }

    [Fact]
    public void HostReferencesRoundTripThroughAnExternrefTable()
    {
        var instance = Instantiate("""
            (module (table $t (export "t") 2 externref)
              (func (export "set") (param i32 externref) (table.set $t (local.get 0) (local.get 1)))
              (func (export "get") (param i32) (result externref) (table.get $t (local.get 0))))
            """);
        var host = new object();
        instance.GetFunc("set")!.Invoke(Value.I32(1), Value.Reference(ValType.ExternRef, host));
        Assert.Same(host, instance.GetFunc("get")!.Invoke(Value.I32(1))[0].Ref);
        Assert.Null(instance.GetFunc("get")!.Invoke(Value.I32(0))[0].Ref);
        Assert.Equal(TrapKind.TableOutOfBounds, Assert.Throws<WasmTrap>(() => instance.GetFunc("get")!.Invoke(Value.I32(2))).Kind);
    }

    [Fact]
    public void UnsupportedFeaturesFailAtCompileTime()
    {
        // Valid under 3.0, but the compiler has no exception handling yet.
        Assert.Throws<WasmUnsupportedFeatureException>(() => Module.FromText(new Engine(WasmFeatures.Wasm3), """
            (module (tag $e) (func (throw $e)))
            """));
    }

    [Fact]
    public void V128ValuesCrossTheEmbeddingBoundaryWhole()
    {
        var instance = Instantiate("""
            (module
              (global $g (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
              (func (export "swap") (param v128) (result v128 v128)
                (global.get $g) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get 0) (local.get 0))))
            """);
        var results = instance.GetFunc("swap")!.Invoke(Value.V128(0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210));
        Assert.Equal(Value.V128(0x0000_0002_0000_0001, 0x0000_0004_0000_0003), results[0]);
        Assert.Equal(0xFEDC_BA98_7654_3210ul, results[1].Bits);
        Assert.Equal(0x0123_4567_89AB_CDEFul, results[1].HighBits);
        Assert.Equal(0x0000_0004_0000_0003ul, instance.GetGlobal("g")!.Value.HighBits);
        // Typed: a v128 is a Vector128<byte> in a delegate, as in generated code.
        var swap = instance.GetFunc("swap")!.AsDelegate<Func<Vector128<byte>, (Vector128<byte>, Vector128<byte>)>>();
        var (_, swapped) = swap(Vector128.Create(1ul, 2ul).AsByte());
        Assert.Equal(Vector128.Create(2ul, 1ul), swapped.AsUInt64());
    }
}
