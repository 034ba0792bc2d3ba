using Tessera.Wasm.Text;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera assemble FILE.wat [-o FILE.wasm]</c>: the text assembler as a tool.</summary>
internal static class AssembleCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? input = null, output = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "-o" && i + 1 < args.Length) output = args[++i];
            else if (input is null) input = args[i];
            else input = null;
        }
        if (input is null)
        {
            stderr.WriteLine("usage: tessera assemble FILE.wat [-o FILE.wasm]");
            return 2;
        }
        output ??= Path.ChangeExtension(input, ".wasm");
        var bytes = WatAssembler.AssembleText(File.ReadAllText(input), input);
        File.WriteAllBytes(output, bytes);
        stdout.WriteLine($"{output}: {bytes.Length} bytes");
        return 0;
    }
}
