using System.Diagnostics;
using Tessera.Wasi;
using Tessera.Wasm.Runtime;
using Tessera.Wasm.Text;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera</c> with no arguments: the embedded example module goes the whole way a program
/// does, so a newcomer sees the system work without finding a file: assembled from its text,
/// decoded, validated and compiled to CIL (once, by <see cref="Module.FromBytes"/>), summarized,
/// and run as a WASI command whose <c>_start</c> writes to this process's stdout; then one of its
/// exports is called.
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
        var module = Module.FromBytes(new Engine(ModuleFile.Features), wasm);
        stdout.WriteLine("Embedded example hello.wat: assembled from text, decoded, validated and compiled to CIL.");
        stdout.WriteLine();
        InspectCommand.Print("hello.wat", wasm, module.Definition, stdout);
        stdout.WriteLine();

        var command = WasiCommand.FromModule(module);
        stdout.WriteLine("Running _start with WASI preview 1 (its stdout is ours):");
        stdout.Flush();
        using (var wasi = new WasiContext(new WasiConfiguration { Stdout = WasiStdio.FromStream(new TextWriterStream(stdout)) }))
        {
            command.Run(wasi);
            // Each Invoke makes a fresh instance. The first Invoke in a process took about 6 ms more
            // than later ones here, so fib(1) goes first and only fib(27)'s instance and calls are timed.
            command.Invoke(wasi, "fib", Value.I32(1));
            var clock = Stopwatch.StartNew();
            int result = command.Invoke(wasi, "fib", Value.I32(27))[0].AsI32();
            stdout.WriteLine($"fib(27) = {result} ({clock.Elapsed.TotalMilliseconds:F1} ms in a fresh instance, 635,621 calls)");
        }
        stdout.WriteLine();
        stdout.WriteLine("Try: ./tessera run FILE.wasm, ./tessera wast FILE.wast, ./tessera --help");
        return 0;
    }
}
