using Tessera.Wasm.Binary;
using Tessera.Wasm.Text;
using Tessera.Wasm.Validation;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera</c> with no arguments: assembles the embedded example module from its text, decodes
/// and validates it, and prints its summary, so a newcomer sees the engine work without finding a file.
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
        var module = ModuleDecoder.Decode(wasm, ModuleFile.Features);
        ModuleValidator.Validate(module, ModuleFile.Features);
        stdout.WriteLine("Embedded example hello.wat: assembled from text, decoded and validated.");
        stdout.WriteLine();
        InspectCommand.Print("hello.wat", wasm, module, stdout);
        stdout.WriteLine();
        stdout.WriteLine("valid. Try: ./tessera help");
        return 0;
    }
}
