using System.Text;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>The examples of docs/embedding.md, kept in step with it: if one stops working, so does the guide.</summary>
public class EmbeddingGuideTests
{
    private static readonly Engine s_engine = new();

    [Fact]
    public void CompileInstantiateCall()
    {
        var module = Module.FromText(s_engine, """
            (module
              (func (export "add") (param i32 i32) (result i32)
                (i32.add (local.get 0) (local.get 1))))
            """);
        var store = new Store(s_engine);
        var instance = new Linker().Instantiate(store, module);
        Value[] results = instance.GetFunc("add")!.Invoke(Value.I32(40), Value.I32(2));
        Assert.Equal([Value.I32(42)], results);
        var add = instance.GetFunc("add")!.AsDelegate<Func<int, int, int>>();
        Assert.Equal(42, add(40, 2));
    }

    [Fact]
    public void HostFunctionsWithCaller()
    {
        var printed = new StringWriter();
        var store = new Store(s_engine);
        var linker = new Linker()
            .Define("env", "print", Func.Wrap((Caller caller, int ptr, int len) =>
                printed.WriteLine(Encoding.UTF8.GetString(caller.Memory!.Span.Slice(ptr, len)))))
            .Define("env", "now", Func.Wrap(() => Environment.TickCount64));
        var instance = linker.Instantiate(store, Module.FromText(s_engine, """
            (module
              (import "env" "print" (func $print (param i32 i32)))
              (memory (export "memory") 1)
              (data (i32.const 16) "hello from wasm")
              (func (export "run") (call $print (i32.const 16) (i32.const 15))))
            """));
        instance.GetFunc("run")!.Invoke();
        Assert.Equal("hello from wasm" + Environment.NewLine, printed.ToString());

        Memory memory = instance.GetMemory("memory")!;
        memory.Span[0] = 42;
        Assert.Equal(1, memory.Pages);

        var counter = new Global(store, new GlobalType(ValType.I64, Mutable: true), Value.I64(0));
        linker.Define("env", "counter", counter);
        var bump = linker.Instantiate(store, Module.FromText(s_engine, """
            (module (import "env" "counter" (global $c (mut i64)))
              (func (export "bump") (global.set $c (i64.add (global.get $c) (i64.const 5)))))
            """));
        bump.GetFunc("bump")!.Invoke();
        Assert.Equal(5L, counter.Value.AsI64());
    }

    [Fact]
    public void LinkingInstancesAndTraps()
    {
        var store = new Store(s_engine);
        var linker = new Linker();
        var a = linker.Instantiate(store, Module.FromText(s_engine, """(module (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))"""));
        linker.DefineInstance("a", a);
        var b = linker.Instantiate(store, Module.FromText(s_engine, """
            (module (import "a" "div" (func $div (param i32 i32) (result i32)))
              (func (export "run") (param i32) (result i32) (call $div (i32.const 84) (local.get 0))))
            """));
        Assert.Equal(42, b.GetFunc("run")!.Invoke(Value.I32(2))[0].AsI32());
        var trap = Assert.Throws<WasmTrap>(() => b.GetFunc("run")!.Invoke(Value.I32(0)));
        Assert.Equal(TrapKind.IntegerDivideByZero, trap.Kind);
        Assert.StartsWith("integer divide by zero", trap.FormatBacktrace());
    }

    [Fact]
    public void BoundsChecksAndQuotas()
    {
        var engine = new Engine(WasmFeatures.Wasm2, new EngineOptions { BoundsChecks = BoundsChecks.GuardPages });
        Assert.Equal(BoundsChecks.GuardPages, engine.BoundsChecks);
        Assert.Null(engine.GuardPagesUnavailableReason);

        var limits = new StoreLimits { MemoryBytes = 64 << 20, TableElements = 10_000 };
        var store = new Store(engine, limits);
        var compartment = new ResourceQuota(memoryBytes: 256 << 20);
        var a = new Store(engine, limits: new StoreLimits { Quota = compartment });
        var b = new Store(engine, limits: new StoreLimits { Quota = compartment });
        var module = Module.FromText(engine, "(module (memory 2))");
        new Linker().Instantiate(store, module);
        new Linker().Instantiate(a, module);
        new Linker().Instantiate(b, module);
        // Two pages in each of a and b: 4 * 64 KiB.
        Assert.Equal(4 * 65536, compartment.CommittedMemoryBytes);
    }

    [Fact]
    public void DeferredHostFunctions()
    {
        var linker = new Linker().DefineFunc("env", "log", (Caller caller, int ptr, int len) => { });
        var module = Module.FromText(s_engine, """(module (import "env" "log" (func (param i32 i32))) (func (export "run") (call 0 (i32.const 0) (i32.const 0))))""");
        linker.Instantiate(new Store(s_engine), module).GetFunc("run")!.Invoke();
        Assert.True(linker.TryGet("env", "log", out var log));
        Assert.IsType<Func>(log);
    }
}
