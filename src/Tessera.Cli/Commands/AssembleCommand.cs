using System.CommandLine;
using Tessera.Wasm.Text;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera assemble FILE.wat [-o FILE.wasm]</c>: the text assembler as a tool.</summary>
internal static class AssembleCommand
{
    public static Command Create(TextWriter stdout)
    {
        var input = new Argument<string>("FILE") { HelpName = "FILE.wat", Description = "A module in the text format" };
        var output = new Option<string>("-o", "--output") { HelpName = "FILE.wasm", Description = "Where to write the binary (default: the input with .wasm)" };
        output.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is "") result.AddError("-o needs a file name");
        });
        var command = new Command("assemble", "Assemble a text module into a binary") { input, output };
        command.SetAction(result =>
        {
            UnknownOptions.Refuse(result);
            return Run(result.GetValue(input)!, result.GetValue(output), stdout);
        });
        return command;
    }

    public static int Run(string input, string? output, TextWriter stdout)
    {
        output ??= Path.ChangeExtension(input, ".wasm");
        // The same checks as every command that reads a module: a regular file, binary or text.
        var loaded = ModuleFile.Load(input);
        if (loaded.Map is null) throw new InputFileException(input, "is already a binary module; assemble reads the text format");
        File.WriteAllBytes(output, loaded.Bytes);
        stdout.WriteLine($"{output}: {loaded.Bytes.Length} bytes");
        return 0;
    }
}
