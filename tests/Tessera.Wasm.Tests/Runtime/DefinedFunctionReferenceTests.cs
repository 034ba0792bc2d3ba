using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>
/// An instance makes the <see cref="Func"/> of one of its module's functions only when it becomes a
/// reference (export, table element, <c>ref.func</c>, global initializer): calls within the module
/// need none. Whichever way a reference is reached first, it is one object afterwards, and
/// instantiating costs nothing per function that never becomes one.
/// </summary>
public class DefinedFunctionReferenceTests
{
    private static readonly Engine s_engine = new();

    [Fact]
    public void EveryWayToReachAFunctionGivesOneObject()
    {
        var instance = new Linker().Instantiate(new Store(s_engine), Module.FromText(s_engine, """
            (module
              (table (export "table") 2 funcref) (elem (i32.const 0) $f)
              (global $g (export "g") funcref (ref.func $h))
              (func $f (export "f") (result i32) (i32.const 7))
              (func $h (export "h") (result i32) (i32.const 8))
              (func (export "ref_f") (result funcref) (ref.func $f))
              (func (export "ref_h") (result funcref) (ref.func $h)))
            """));
        // $h is reached first through ref.func, $f first through the export.
        var refH = instance.GetFunc("ref_h")!.Invoke()[0].Ref;
        var f = instance.GetFunc("f")!;
        Assert.Same(f, instance.GetTable("table")!.Get(0));
        Assert.Same(f, instance.GetFunc("ref_f")!.Invoke()[0].Ref);
        Assert.Same(f, instance.GetFunc("f"));
        Assert.Same(refH, instance.GetFunc("h"));
        Assert.Same(refH, instance.GetGlobal("g")!.Ref);
        Assert.Equal(7, f.Invoke()[0].AsI32());
        Assert.Equal(8, ((Func)refH!).Invoke()[0].AsI32());
        Assert.Same(instance.Store, f.Owner);
    }

    [Fact]
    public void InstantiatingAllocatesNothingPerFunctionThatIsNotAReference()
    {
        const int Many = 64;
        string Wat(int functions) =>
            "(module " + string.Concat(Enumerable.Range(0, functions).Select(i => $"(func $f{i} (result i32) (i32.const {i}))"))
            + "(func (export \"run\") (result i32) (call $f0)))";
        var one = Module.FromText(s_engine, Wat(1));
        var many = Module.FromText(s_engine, Wat(Many));
        var linker = new Linker();
        var store = new Store(s_engine);
        long Allocated(Module module) =>
            Allocations.OfInstantiation(linker, store, module, instance => Assert.Equal(0, instance.GetFunc("run")!.Invoke()[0].AsI32()));
        long perFunction = (Allocated(many) - Allocated(one)) / (Many - 1);
        // A function's slot in the instance's function array; a Func of its own is 48 bytes.
        Assert.InRange(perFunction, 0, 12);
    }
}
