using System.Text;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasi.Tests;

/// <summary>
/// <see cref="WasiCommand"/>: a module's imports are checked against what WASI preview 1 provides
/// (names and types) and its entry point found, before anything is instantiated; then it runs.
/// </summary>
public sealed class WasiCommandTests
{
    private static readonly Engine s_engine = new();

    private static Module Compile(string wat) => Module.FromText(s_engine, wat);

    private static WasiCommandException Refused(string wat, params string[] hostModules) =>
        Assert.Throws<WasiCommandException>(() => WasiCommand.FromModule(Compile(wat), hostModules));

    [Fact]
    public void EveryWasiFunctionHasTheTypeItsDefinitionHasAndTheWitxGives()
    {
        using var context = new WasiContext(new WasiConfiguration());
        var linker = WasiModule.Define(new Linker(), context);
        // The independent table: Guest's signatures, written from the witx for the function tests.
        var witx = Guest.Signatures.ToDictionary(s => s.Name, s => s.Params);
        Assert.Equal(witx.Keys.Order(StringComparer.Ordinal), WasiModule.Functions.Order(StringComparer.Ordinal));
        foreach (var name in WasiModule.Functions)
        {
            var type = WasiFunctionTypes.Of(name);
            Assert.NotNull(type);
            Assert.True(linker.TryGet(WasiModule.Name, name, out var defined));
            Assert.Equal(((Func)defined!).Type, type);
            var parameters = witx[name].Select(p => p == 'I' ? ValType.I64 : ValType.I32).ToArray();
            Assert.Equal(new FuncType(parameters, name == "proc_exit" ? [] : [ValType.I32]), type);
        }
        Assert.Null(WasiFunctionTypes.Of("fd_bogus"));
    }

    [Fact]
    public void AnImportFromAnotherModuleIsUnknown()
    {
        var e = Refused("""(module (import "env" "log" (func (param i32))) (func (export "_start")))""");
        Assert.Equal(WasiCommandException.UnknownImport, e.Rule);
        Assert.Equal("\"env\" \"log\"", e.Item);
        Assert.Equal("unknown import: \"env\" \"log\": the host provides only the functions of wasi_snapshot_preview1", e.Message);
    }

    [Fact]
    public void AWasiNameThatPreviewOneDoesNotDefineIsUnknown()
    {
        var e = Refused("""(module (import "wasi_snapshot_preview1" "fd_bogus" (func (param i32) (result i32))))""");
        Assert.Equal(WasiCommandException.UnknownImport, e.Rule);
        Assert.Equal("\"wasi_snapshot_preview1\" \"fd_bogus\"", e.Item);
    }

    [Fact]
    public void AWasiFunctionImportedWithAnotherTypeIsIncompatible()
    {
        // fd_write is (fd, iovs, iovs_len, nwritten) -> errno: [i32 i32 i32 i32] -> [i32].
        var e = Refused("""(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32) (result i32))))""");
        Assert.Equal(WasiCommandException.IncompatibleImportType, e.Rule);
        Assert.Equal("\"wasi_snapshot_preview1\" \"fd_write\"", e.Item);
        Assert.Contains("WASI defines [i32 i32 i32 i32] -> [i32], the module imports [i32 i32 i32] -> [i32]", e.Message);

        // An i64 where the witx has a 32-bit value (clock_time_get's id) is refused too.
        Assert.Equal(WasiCommandException.IncompatibleImportType,
            Refused("""(module (import "wasi_snapshot_preview1" "clock_time_get" (func (param i64 i64 i32) (result i32))))""").Rule);
    }

    [Fact]
    public void AWasiNameImportedAsAMemoryIsIncompatible()
    {
        var e = Refused("""(module (import "wasi_snapshot_preview1" "fd_write" (memory 1)))""");
        Assert.Equal(WasiCommandException.IncompatibleImportType, e.Rule);
        Assert.Contains("the module imports a memory", e.Message);
    }

    [Fact]
    public void TheFirstImportThatDoesNotFitIsNamed()
    {
        var e = Refused("""
            (module
              (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
              (import "env" "a" (func))
              (import "env" "b" (func)))
            """);
        Assert.Equal("\"env\" \"a\"", e.Item);
    }

    [Fact]
    public void ImportsFromAHostModuleAreLeftToItsProvider()
    {
        const string Wat = """
            (module
              (import "tessera_task" "self" (func (result i64)))
              (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
              (func (export "_start")))
            """;
        var command = WasiCommand.FromModule(Compile(Wat), "tessera_task");
        Assert.Equal(new FuncType([], []), command.EntryType());
        var e = Refused(Wat);
        Assert.Equal("\"tessera_task\" \"self\"", e.Item);
        Assert.Contains("provides only the functions of wasi_snapshot_preview1", e.Message);
        Assert.Contains("the functions of wasi_snapshot_preview1 and other", Refused("""(module (import "x" "y" (func)))""", "other").Message);
    }

    [Fact]
    public void TheStartFunctionMustExistAndTakeAndReturnNothing()
    {
        var none = WasiCommand.FromModule(Compile("""(module (func (export "main")))"""));
        var e = Assert.Throws<WasiCommandException>(() => none.EntryType());
        Assert.Equal(WasiCommandException.UnknownExport, e.Rule);
        Assert.Equal("_start", e.Item);

        // A global named _start is not a function to start.
        var global = WasiCommand.FromModule(Compile("""(module (global (export "_start") i32 (i32.const 0)))"""));
        Assert.Equal(WasiCommandException.UnknownExport, Assert.Throws<WasiCommandException>(() => global.EntryType()).Rule);

        var typed = WasiCommand.FromModule(Compile("""(module (func (export "_start") (param i32)))"""));
        var t = Assert.Throws<WasiCommandException>(() => typed.EntryType());
        Assert.Equal(WasiCommandException.IncompatibleExportType, t.Rule);
        Assert.Equal("\"_start\" has type [i32] -> [], not [] -> []", t.Message);
        using var context = new WasiContext(new WasiConfiguration());
        Assert.Throws<WasiCommandException>(() => typed.Run(context));
    }

    [Fact]
    public void AnotherEntryMustBeAFunctionOfAnyType()
    {
        var command = WasiCommand.FromModule(Compile("""
            (module (memory (export "mem") 1)
              (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
            """));
        Assert.Equal(new FuncType([ValType.I32, ValType.I32], [ValType.I32]), command.EntryType("add"));
        var missing = Assert.Throws<WasiCommandException>(() => command.EntryType("sub"));
        Assert.Equal(WasiCommandException.UnknownExport, missing.Rule);
        Assert.Equal("no export named \"sub\" (its function exports: \"add\")", missing.Message);
        var memory = Assert.Throws<WasiCommandException>(() => command.EntryType("mem"));
        Assert.Equal(WasiCommandException.IncompatibleExportType, memory.Rule);
        Assert.Equal("export \"mem\" is a memory, not a function", memory.Message);
    }

    [Fact]
    public void RunCallsStartWithWasiAndReturnsTheExitCode()
    {
        // _start writes "hi\n" with fd_write, then exits with proc_exit(42) unless it is 0.
        const string Wat = """
            (module
              (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (memory 1) (data (i32.const 16) "hi\n")
              (global $code (mut i32) (i32.const CODE))
              (func (export "_start")
                (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
                (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
                (if (global.get $code) (then (call $exit (global.get $code))))))
            """;
        foreach (int code in new[] { 0, 42 })
        {
            var stdout = new MemoryStream();
            using var context = new WasiContext(new WasiConfiguration { Stdout = WasiStdio.FromStream(stdout) });
            Assert.Equal(code, WasiCommand.FromModule(Compile(Wat.Replace("CODE", code.ToString()))).Run(context));
            Assert.Equal("hi\n", Encoding.UTF8.GetString(stdout.ToArray()));
        }
    }

    [Fact]
    public void ATrapInStartPropagates()
    {
        using var context = new WasiContext(new WasiConfiguration());
        var trap = Assert.Throws<WasmTrap>(() => WasiCommand.FromModule(Compile("""(module (func (export "_start") unreachable))""")).Run(context));
        Assert.Equal(TrapKind.Unreachable, trap.Kind);
    }

    [Fact]
    public void InvokeCallsAnExportAndReturnsItsResults()
    {
        using var context = new WasiContext(new WasiConfiguration().WithArguments("a", "bc"));
        // args_sizes_get writes 2 arguments, 5 bytes ("a\0bc\0"): the call sees the context.
        var command = WasiCommand.FromModule(Compile("""
            (module
              (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
              (memory 1)
              (func (export "sizes") (param i32) (result i32 i32)
                (drop (call $sizes (i32.const 0) (i32.const 4)))
                (i32.add (i32.load (i32.const 0)) (local.get 0)) (i32.load (i32.const 4))))
            """));
        var results = command.Invoke(context, "sizes", Value.I32(10));
        Assert.Equal([12, 5], results.Select(r => r.AsI32()));
        Assert.Throws<WasiCommandException>(() => command.Invoke(context, "nope"));
    }
}
