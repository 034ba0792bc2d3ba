using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>
/// An instance holds its imported host functions unbound and calls them with itself as the caller;
/// an import becomes a function bound to its importer only when it becomes a reference (a table
/// element, an export, <c>ref.func</c>, the start function). These tests pin what a host function
/// sees as its caller on every path, that a reference is one object, and that instantiating
/// allocates nothing per imported host function.
/// </summary>
public class HostImportBindingTests
{
    private static readonly Engine s_engine = new(WasmFeatures.Wasm2 | WasmFeatures.TailCall);

    /// <summary>A host function that records its caller's instance.</summary>
    private static (Func Who, List<Instance?> Callers) Recorder()
    {
        var callers = new List<Instance?>();
        return (Func.FromCallback(new FuncType([], []), (caller, _, _) => callers.Add(caller.Instance)), callers);
    }

    [Fact]
    public void AHostFunctionInATableSeesItsImporterWhoeverCallsThroughTheTable()
    {
        var (who, callers) = Recorder();
        var store = new Store(s_engine);
        var linker = new Linker().Define("env", "who", who);
        var a = linker.Instantiate(store, Module.FromText(s_engine, """
            (module (import "env" "who" (func $who))
              (table (export "table") 1 funcref) (elem (i32.const 0) $who)
              (func (export "direct") (call $who)))
            """));
        linker.Define("a", "table", a.GetTable("table")!);
        var b = linker.Instantiate(store, Module.FromText(s_engine, """
            (module (import "env" "who" (func $who)) (import "a" "table" (table 1 funcref))
              (func (export "indirect") (call_indirect (i32.const 0)))
              (func (export "direct") (call $who)))
            """));
        b.GetFunc("indirect")!.Invoke();
        b.GetFunc("direct")!.Invoke();
        a.GetFunc("direct")!.Invoke();
        Assert.Equal([a, b, a], callers);
    }

    [Fact]
    public void AReExportedHostFunctionIsOneReferenceBoundToItsImporter()
    {
        var (who, callers) = Recorder();
        var instance = new Linker().Define("env", "who", who).Instantiate(new Store(s_engine), Module.FromText(s_engine, """
            (module (import "env" "who" (func $who)) (export "who" (func $who))
              (elem declare func $who)
              (func (export "ref") (result funcref) (ref.func $who)))
            """));
        var exported = instance.GetFunc("who")!;
        var referenced = instance.GetFunc("ref")!.Invoke()[0].Ref;
        Assert.NotSame(who, exported);
        Assert.Same(exported, instance.GetFunc("who"));
        Assert.Same(exported, referenced);
        Assert.Same(exported, instance.Exports["who"]);
        Assert.Same(instance.Store, exported.Owner);
        exported.Invoke();
        ((Func)referenced!).Invoke();
        Assert.Equal([instance, instance], callers);
    }

    [Fact]
    public void AnInstanceImportingAnotherInstancesBoundHostFunctionIsItsCaller()
    {
        var (who, callers) = Recorder();
        var store = new Store(s_engine);
        var a = new Linker().Define("env", "who", who).Instantiate(store, Module.FromText(s_engine, """
            (module (import "env" "who" (func $who)) (export "who" (func $who)))
            """));
        var b = new Linker().Define("a", "who", a.GetFunc("who")!).Instantiate(store, Module.FromText(s_engine, """
            (module (import "a" "who" (func $who)) (elem declare func $who)
              (func (export "direct") (call $who))
              (func (export "ref") (result funcref) (ref.func $who)))
            """));
        b.GetFunc("direct")!.Invoke();
        ((Func)b.GetFunc("ref")!.Invoke()[0].Ref!).Invoke();
        a.GetFunc("who")!.Invoke();
        Assert.Equal([b, b, a], callers);
    }

    [Fact]
    public void AnImportedStartFunctionSeesTheInstanceBeingMade()
    {
        var (who, callers) = Recorder();
        var instance = new Linker().Define("env", "who", who).Instantiate(new Store(s_engine), Module.FromText(s_engine, """
            (module (import "env" "who" (func $who)) (start $who))
            """));
        Assert.Equal([instance], callers);
    }

    [Fact]
    public void TailCallsOfHostImportsReturnEveryResult()
    {
        var linker = new Linker()
            .Define("env", "typed", Func.Wrap((Caller caller, int x) => (x + 1, caller.Instance is null ? 0L : 2L * x)))
            .Define("env", "untyped", Func.FromCallback(new FuncType([ValType.I32], [ValType.I32, ValType.I64]), (caller, args, results) =>
            {
                results[0] = Value.I32(args[0].AsI32() + 3);
                results[1] = Value.I64(caller.Instance is null ? 0L : 4L * args[0].AsI32());
            }));
        var instance = linker.Instantiate(new Store(s_engine), Module.FromText(s_engine, """
            (module
              (import "env" "typed" (func $typed (param i32) (result i32 i64)))
              (import "env" "untyped" (func $untyped (param i32) (result i32 i64)))
              (func (export "typed") (param i32) (result i32 i64) (return_call $typed (local.get 0)))
              (func (export "untyped") (param i32) (result i32 i64) (return_call $untyped (local.get 0))))
            """));
        var typed = instance.GetFunc("typed")!.Invoke(Value.I32(10));
        var untyped = instance.GetFunc("untyped")!.Invoke(Value.I32(10));
        Assert.Equal((11, 20L), (typed[0].AsI32(), typed[1].AsI64()));
        Assert.Equal((13, 40L), (untyped[0].AsI32(), untyped[1].AsI64()));
    }

    [Fact]
    public void InstantiatingAllocatesNothingPerImportedHostFunction()
    {
        const int Many = 32;
        var linker = new Linker();
        for (int i = 0; i < Many; i++) linker.Define("env", "f" + i, Func.Wrap((Caller _, int x) => x + 1));
        string Wat(int imports) =>
            "(module " + string.Concat(Enumerable.Range(0, imports).Select(i => $"(import \"env\" \"f{i}\" (func (param i32) (result i32)))"))
            + "(func (export \"run\") (result i32) (call 0 (i32.const 1))))";
        var one = Module.FromText(s_engine, Wat(1));
        var many = Module.FromText(s_engine, Wat(Many));
        var store = new Store(s_engine);
        long Allocated(Module module) =>
            Allocations.OfInstantiation(linker, store, module, instance => Assert.Equal(2, instance.GetFunc("run")!.Invoke()[0].AsI32()));
        long perImport = (Allocated(many) - Allocated(one)) / (Many - 1);
        // Each import costs its slot in the function array and in the linker's list of imports;
        // a context of its own would be well over 100 bytes.
        Assert.InRange(perImport, 0, 24);
    }
}
