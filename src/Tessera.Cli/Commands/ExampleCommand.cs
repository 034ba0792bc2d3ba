using System.Diagnostics;
using Tessera.Wasi;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Runtime;
using Tessera.Wasm.Text;
using Tessera.Wasm.Validation;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera</c> with no arguments: the embedded example module goes the whole way a program
/// does, so a newcomer sees the system work without finding a file: assembled from its text,
/// decoded, validated and summarized, compiled to CIL, and run as a WASI program whose
/// <c>_start</c> writes to this process's stdout; then one of its exports is called.
/// </summary>
internal static class ExampleCommand
{
    private const string Resource = "Tessera.Cli.Examples.hello.wat";

    public static int Run(TextWriter stdout, TextWriter stderr)
    {
        using var stream = typeof(ExampleCommand).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException("the embedded example is missing from the build");
        string text = new StreamReader(stream).ReadToEnd();
        byte[] wasm = WatAssembler.AssembleText(text, "hello.wat");
        var definition = ModuleDecoder.Decode(wasm, ModuleFile.Features);
        ModuleValidator.Validate(definition, ModuleFile.Features);
        stdout.WriteLine("Embedded example hello.wat: assembled from text, decoded and validated.");
        stdout.WriteLine();
        InspectCommand.Print("hello.wat", wasm, definition, stdout);
        stdout.WriteLine();

        var engine = new Engine(ModuleFile.Features);
        var module = Module.FromBytes(engine, wasm);
        stdout.WriteLine("Compiled to CIL; running _start with WASI preview 1 (its stdout is ours):");
        stdout.Flush();
        using (var wasi = new WasiContext(new WasiConfiguration { Stdout = WasiStdio.FromStream(new TextWriterStream(stdout)) }))
        {
            var instance = WasiModule.Define(new Linker(), wasi).Instantiate(new Store(engine), module);
            instance.GetFunc("_start")!.Invoke();
            var fib = instance.GetFunc("fib")!.AsDelegate<Func<int, int>>();
            var clock = Stopwatch.StartNew();
            int result = fib(27);
            stdout.WriteLine($"fib(27) = {result} ({clock.Elapsed.TotalMilliseconds:F1} ms, 635,621 calls)");
        }
        stdout.WriteLine();
        stdout.WriteLine("Try: ./tessera run FILE.wasm, ./tessera wast FILE.wast, ./tessera help");
        return 0;
    }
}
