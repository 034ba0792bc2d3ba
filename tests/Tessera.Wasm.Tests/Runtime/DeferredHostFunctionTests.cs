using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary><see cref="Linker.DefineFunc"/>: a host function made only when an import first
/// resolves to it, then shared by every importer.</summary>
public class DeferredHostFunctionTests
{
    private static readonly Engine s_engine = new();

    [Fact]
    public void ADeferredFunctionIsMadeOnFirstImportAndShared()
    {
        int calls = 0;
        var linker = new Linker()
            .DefineFunc("env", "twice", (int x) => { calls++; return 2 * x; })
            // No WebAssembly type: wrapping it would throw, so nothing may wrap it until imported.
            .DefineFunc("env", "unusable", (string s) => s.Length);
        var module = Module.FromText(s_engine, """
            (module (import "env" "twice" (func $twice (param i32) (result i32)))
              (func (export "run") (param i32) (result i32) (call $twice (local.get 0))))
            """);
        var first = linker.Instantiate(new Store(s_engine), module).GetFunc("run")!;
        var second = linker.Instantiate(new Store(s_engine), module).GetFunc("run")!;
        Assert.Equal(42, first.Invoke(Value.I32(21))[0].AsI32());
        Assert.Equal(-6, second.Invoke(Value.I32(-3))[0].AsI32());
        Assert.Equal(2, calls);

        Assert.True(linker.TryGet("env", "twice", out var a));
        Assert.True(linker.TryGet("env", "twice", out var b));
        Assert.Same(a, b);
        Assert.Equal(new Model.FuncType([Model.ValType.I32], [Model.ValType.I32]), Assert.IsType<Func>(a).Type);

        var importsUnusable = Module.FromText(s_engine, """(module (import "env" "unusable" (func (param i32) (result i32))))""");
        Assert.Throws<ArgumentException>(() => linker.Instantiate(new Store(s_engine), importsUnusable));
    }
}
