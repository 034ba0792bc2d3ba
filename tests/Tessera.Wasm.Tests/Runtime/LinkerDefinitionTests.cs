using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>A name is defined once: a second definition is an error unless shadowing is allowed.</summary>
public class LinkerDefinitionTests
{
    private static readonly Engine s_engine = new();

    [Fact]
    public void Defining_a_name_twice_is_an_error_naming_it()
    {
        var linker = new Linker().Define("env", "f", Func.Wrap(() => 1));
        var e = Assert.Throws<WasmLinkException>(() => linker.Define("env", "f", Func.Wrap(() => 2)));
        Assert.Equal("import defined twice", e.Rule);
        Assert.Equal("\"env\" \"f\"", e.Import);
        Assert.Throws<WasmLinkException>(() => linker.DefineFunc("env", "f", () => 3));
        // The first definition stands; another name in the module is free.
        linker.DefineFunc("env", "g", () => 4);
        var module = Module.FromText(s_engine, """(module (import "env" "f" (func $f (result i32))) (export "f" (func $f)))""");
        Assert.Equal(1, linker.Instantiate(new Store(s_engine), module).GetFunc("f")!.Invoke()[0].AsI32());
    }

    [Fact]
    public void An_instance_whose_export_is_defined_already_is_an_error()
    {
        var store = new Store(s_engine);
        var instance = new Linker().Instantiate(store, Module.FromText(s_engine, """(module (func (export "f")) (memory (export "m") 1))"""));
        var linker = new Linker().Define("lib", "m", new Memory(store, new MemoryType(new Limits(1, null))));
        var e = Assert.Throws<WasmLinkException>(() => linker.DefineInstance("lib", instance));
        Assert.Equal("\"lib\" \"m\"", e.Import);
    }

    [Fact]
    public void With_shadowing_allowed_the_last_definition_wins()
    {
        var linker = new Linker { AllowShadowing = true }.Define("env", "f", Func.Wrap(() => 1)).Define("env", "f", Func.Wrap(() => 2));
        Assert.True(linker.TryGet("env", "f", out var item));
        Assert.Equal(2, ((Func)item).Invoke()[0].AsI32());
        Assert.False(linker.TryGet("env", "g", out var none));
        Assert.Null(none);
    }

    [Fact]
    public void A_null_import_list_entry_is_a_link_error_not_a_crash()
    {
        var module = Module.FromText(s_engine, """(module (import "env" "f" (func)))""");
        var e = Assert.Throws<WasmLinkException>(() => new Instance(new Store(s_engine), module, [null!]));
        Assert.Equal("missing import", e.Rule);
        var count = Assert.Throws<WasmLinkException>(() => new Instance(new Store(s_engine), module, []));
        Assert.Equal("wrong number of imports", count.Rule);
    }
}
