using Tessera.Wasm.Compilation;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>
/// Typed host functions of the common shapes (Func or Action, with or without a Caller, up to nine
/// parameters of i32, i64, f32, f64 and externref) run through adapters instantiated from generic
/// methods instead of generated ones. Each test calls the host function directly (the direct
/// adapter, which takes the caller) and through a table (the adapter bound to the importer), and
/// checks the arguments arrived in order and the result came back, against sums worked out by hand.
/// </summary>
public class GenericHostAdapterTests
{
    private static readonly Engine s_engine = new();

    /// <summary>A module importing <paramref name="signature"/> as env.f, exporting "direct" and
    /// "table", which call it with <paramref name="arguments"/> (instructions) directly and
    /// through a table.</summary>
    private static Instance Instantiate(Func host, string signature, string arguments, string result)
    {
        string results = result.Length == 0 ? "" : $"(result {result})";
        return new Linker().Define("env", "f", host).Instantiate(new Store(s_engine), Module.FromText(s_engine, $"""
            (module
              (type $t (func {signature}))
              (import "env" "f" (func $f (type $t)))
              (table 1 funcref) (elem (i32.const 0) $f)
              (func (export "direct") {results} {arguments} (call $f))
              (func (export "table") {results} {arguments} (call_indirect (type $t) (i32.const 0))))
            """));
    }

    [Fact]
    public void Nine_parameters_in_the_shape_of_path_open_arrive_in_order()
    {
        Instance? seen = null;
        var host = Func.Wrap((Caller caller, int a1, int a2, int a3, int a4, int a5, long a6, long a7, int a8, int a9) =>
        {
            seen = caller.Instance;
            return (int)(1 * a1 + 2 * a2 + 3 * a3 + 4 * a4 + 5 * a5 + 6 * a6 + 7 * a7 + 8 * a8 + 9 * a9);
        });
        var instance = Instantiate(host, "(param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)",
            "(i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5) (i64.const 6) (i64.const 7) (i32.const 8) (i32.const 9)", "i32");
        // 1 + 4 + 9 + 16 + 25 + 36 + 49 + 64 + 81
        Assert.Equal(285, instance.GetFunc("direct")!.Invoke()[0].AsI32());
        Assert.Same(instance, seen);
        seen = null;
        Assert.Equal(285, instance.GetFunc("table")!.Invoke()[0].AsI32());
        Assert.Same(instance, seen);
    }

    [Fact]
    public void Every_value_kind_and_an_i64_result()
    {
        var marker = new object();
        var host = Func.Wrap((Caller caller, int i, long l, float f, double d, object? o) =>
            ReferenceEquals(o, marker) ? i + l + (long)(f * 4) + (long)(d * 8) : -1L);
        var store = new Store(s_engine);
        var instance = new Linker().Define("env", "f", host).Define("env", "marker", new Global(store, new Model.GlobalType(Model.ValType.ExternRef, false), Value.Reference(Model.ValType.ExternRef, marker)))
            .Instantiate(store, Module.FromText(s_engine, """
            (module
              (type $t (func (param i32 i64 f32 f64 externref) (result i64)))
              (import "env" "f" (func $f (type $t)))
              (import "env" "marker" (global $marker externref))
              (table 1 funcref) (elem (i32.const 0) $f)
              (func (export "direct") (result i64)
                (call $f (i32.const 3) (i64.const 5000000000) (f32.const 0.25) (f64.const 0.5) (global.get $marker)))
              (func (export "table") (result i64)
                (call_indirect (type $t) (i32.const 3) (i64.const 5000000000) (f32.const 0.25) (f64.const 0.5) (global.get $marker) (i32.const 0))))
            """));
        // 3 + 5,000,000,000 + 0.25 * 4 + 0.5 * 8
        Assert.Equal(5_000_000_008L, instance.GetFunc("direct")!.Invoke()[0].AsI64());
        Assert.Equal(5_000_000_008L, instance.GetFunc("table")!.Invoke()[0].AsI64());
    }

    [Fact]
    public void Actions_and_functions_without_a_caller()
    {
        long total = 0;
        var add = Func.Wrap((long a, long b) => { total += a * b; });
        var instance = Instantiate(add, "(param i64 i64)", "(i64.const 6) (i64.const 7)", "");
        instance.GetFunc("direct")!.Invoke();
        instance.GetFunc("table")!.Invoke();
        Assert.Equal(84, total);

        var constant = Func.Wrap(() => 2.5);
        var second = Instantiate(constant, "(result f64)", "", "f64");
        Assert.Equal(2.5, second.GetFunc("direct")!.Invoke()[0].AsF64());
        Assert.Equal(2.5, second.GetFunc("table")!.Invoke()[0].AsF64());

        int calls = 0;
        var nothing = Func.Wrap(() => { calls++; });
        var third = Instantiate(nothing, "", "", "");
        third.GetFunc("direct")!.Invoke();
        third.GetFunc("table")!.Invoke();
        Assert.Equal(2, calls);
    }

    [Fact]
    public void Caller_actions_see_their_importer()
    {
        Instance? seen = null;
        float got = 0;
        var host = Func.Wrap((Caller caller, float x) => { seen = caller.Instance; got = x; });
        var instance = Instantiate(host, "(param f32)", "(f32.const 1.5)", "");
        instance.GetFunc("table")!.Invoke();
        Assert.Same(instance, seen);
        Assert.Equal(1.5f, got);
    }

    [Fact]
    public void Only_the_common_shapes_are_generic()
    {
        Assert.NotNull(GenericHostAdapters.TryGet(typeof(Func<Caller, int, long, int>), typeof(Caller)));
        Assert.NotNull(GenericHostAdapters.TryGet(typeof(Action), null));
        Assert.NotNull(GenericHostAdapters.TryGet(typeof(Func<Caller<string>, int, long>), typeof(Caller<string>)));
        Assert.NotNull(GenericHostAdapters.TryGet(typeof(Action<Caller<object>>), typeof(Caller<object>)));
        Assert.NotNull(GenericHostAdapters.TryGet(typeof(Func<object, double>), null));
        // A funcref parameter, several results, ten parameters, a delegate type of one's own.
        Assert.Null(GenericHostAdapters.TryGet(typeof(Func<Caller, Func, int>), typeof(Caller)));
        Assert.Null(GenericHostAdapters.TryGet(typeof(Func<int, (int, int)>), null));
        Assert.Null(GenericHostAdapters.TryGet(typeof(Func<int, int, int, int, int, int, int, int, int, int, int>), null));
        Assert.Null(GenericHostAdapters.TryGet(typeof(Adder), null));
    }

    [Fact]
    public void Other_shapes_still_get_generated_adapters()
    {
        var divmod = Func.Wrap((int a, int b) => (a / b, a % b));
        var instance = Instantiate(divmod, "(param i32 i32) (result i32 i32)", "(i32.const 17) (i32.const 5)", "i32 i32");
        var results = instance.GetFunc("table")!.Invoke();
        Assert.Equal(3, results[0].AsI32());
        Assert.Equal(2, results[1].AsI32());
        var sum = Func.Wrap(new Adder((a, b) => a + b));
        Assert.Equal(12, Instantiate(sum, "(param i32 i32) (result i32)", "(i32.const 5) (i32.const 7)", "i32").GetFunc("direct")!.Invoke()[0].AsI32());
    }

    [Fact]
    public void A_delegate_type_generated_code_cannot_see_is_refused_when_wrapped()
    {
        var error = Assert.Throws<ArgumentException>(() => Func.Wrap(new Hidden((a, b) => a + b)));
        Assert.Contains("not public", error.Message);
        // The same shape as a Func needs no generated code and works.
        Assert.Equal(3, Instantiate(Func.Wrap((int a, int b) => a + b), "(param i32 i32) (result i32)", "(i32.const 1) (i32.const 2)", "i32").GetFunc("direct")!.Invoke()[0].AsI32());
    }

    /// <summary>Public: generated adapters can call only delegate types they can see.</summary>
    public delegate int Adder(int a, int b);

    private delegate int Hidden(int a, int b);
}
