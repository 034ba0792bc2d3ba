using Tessera.Wasm.Text;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera assemble FILE.wat [-o FILE.wasm]</c>: the text assembler as a tool.</summary>
internal static class AssembleCommand
{
    public const string Usage = "tessera assemble FILE.wat [-o FILE.wasm]";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? input = null, output = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "-o")
            {
                if (output is not null) throw new UsageException($"-o given twice\nusage: {Usage}");
                if (i + 1 >= args.Length || args[i + 1] is "") throw new UsageException($"-o needs a file name\nusage: {Usage}");
                output = args[++i];
            }
            else if (args[i].StartsWith('-') && args[i].Length > 1)
            {
                throw new UsageException($"unknown option '{args[i]}'\nusage: {Usage}");
            }
            else if (input is null)
            {
                input = args[i];
            }
            else
            {
                throw new UsageException($"one input file only, got '{input}' and '{args[i]}'\nusage: {Usage}");
            }
        }
        if (input is null) throw new UsageException($"no input file given\nusage: {Usage}");
        output ??= Path.ChangeExtension(input, ".wasm");
        // The same checks as every command that reads a module: a regular file, binary or text.
        var loaded = ModuleFile.Load(input);
        if (loaded.Map is null) throw new InputFileException(input, "is already a binary module; assemble reads the text format");
        File.WriteAllBytes(output, loaded.Bytes);
        stdout.WriteLine($"{output}: {loaded.Bytes.Length} bytes");
        return 0;
    }
}
