using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>
/// Copy-on-write data images: instances see their module's data, writes stay private to the
/// instance, and modules whose data cannot be an image are copied with the same result. The
/// expected bytes are the data segments' own bytes (WebAssembly 2.0, 4.5.4: segments applied in
/// order, later ones overwrite earlier ones).
/// </summary>
public class DataImageTests
{
    private static readonly Engine s_engine = new();
    private static readonly Engine s_copying = new(options: new EngineOptions { CopyOnWriteImages = false });

    /// <summary>128 KiB of data (past the 64 KiB threshold): "A" bytes from 0, "B" from 65536, and
    /// a later segment overwriting 4 bytes at 65534.</summary>
    private static readonly string Large = $$"""
        (module
          (memory (export "memory") 4)
          (data (i32.const 0) "{{new string('A', 65536)}}")
          (data (i32.const 65536) "{{new string('B', 65536)}}")
          (data (i32.const 65534) "wxyz")
          (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
          (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))
        """;

    private static int Load(Instance instance, int address) => instance.GetFunc("load8")!.Invoke(Value.I32(address))[0].AsI32();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Instances_see_the_data_and_keep_their_writes_private(bool copyOnWrite)
    {
        var engine = copyOnWrite ? s_engine : s_copying;
        var module = Module.FromText(engine, Large);
        Assert.Equal(copyOnWrite && Tessera.Platform.Memory.VirtualMemory.ReservesLazily, module.DataImage is not null);
        using var store = new Store(engine);
        var first = new Linker().Instantiate(store, module);
        var second = new Linker().Instantiate(store, module);
        Assert.Equal('A', Load(first, 0));
        Assert.Equal('w', Load(first, 65534));
        Assert.Equal('z', Load(first, 65537));
        Assert.Equal('B', Load(first, 65538));
        Assert.Equal(0, Load(first, 131072));
        first.GetFunc("store8")!.Invoke(Value.I32(1000), Value.I32('Q'));
        Assert.Equal('Q', Load(first, 1000));
        Assert.Equal('A', Load(second, 1000));
        var third = new Linker().Instantiate(store, module);
        Assert.Equal('A', Load(third, 1000));
        Assert.Equal(4, third.GetMemory("memory")!.Pages);
    }

    [Fact]
    public void Freed_image_memory_comes_back_zeroed_for_a_module_without_data()
    {
        var module = Module.FromText(s_engine, Large);
        var empty = Module.FromText(s_engine, """(module (memory (export "memory") 4) (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0))))""");
        for (int round = 0; round < 3; round++)
        {
            using (var store = new Store(s_engine)) new Linker().Instantiate(store, module).GetFunc("store8")!.Invoke(Value.I32(70000), Value.I32(1));
            using var other = new Store(s_engine);
            var instance = new Linker().Instantiate(other, empty);
            Assert.Equal(0, Load(instance, 0));
            Assert.Equal(0, Load(instance, 70000));
        }
    }

    [Fact]
    public void Data_at_an_imported_offset_is_copied_not_imaged()
    {
        var module = Module.FromText(s_engine, $$"""
            (module
              (global $at (import "env" "at") i32)
              (memory (export "memory") 4)
              (data (global.get $at) "{{new string('C', 70000)}}")
              (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0))))
            """);
        Assert.Null(module.DataImage);
        using var store = new Store(s_engine);
        var linker = new Linker();
        linker.Define("env", "at", new Global(store, new Model.GlobalType(Model.ValType.I32, false), Value.I32(10)));
        var instance = linker.Instantiate(store, module);
        Assert.Equal(0, Load(instance, 9));
        Assert.Equal('C', Load(instance, 10));
        Assert.Equal('C', Load(instance, 70009));
        Assert.Equal(0, Load(instance, 70010));
    }

    [Fact]
    public void A_segment_past_the_memory_still_traps()
    {
        var module = Module.FromText(s_engine, $$"""(module (memory 1) (data (i32.const 0) "{{new string('D', 70000)}}"))""");
        Assert.Null(module.DataImage);
        var trap = Assert.Throws<WasmTrap>(() => new Linker().Instantiate(new Store(s_engine), module));
        Assert.Equal(TrapKind.MemoryOutOfBounds, trap.Kind);
    }
}
