using System.CommandLine;
using Tessera.Wasm;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Validation;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera validate FILE...</c>: decodes and validates each module; exit code 1 if any is bad.
/// Errors in text modules name the line and column of the offending instruction.</summary>
internal static class ValidateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var files = new Argument<string[]>("FILE") { Arity = ArgumentArity.OneOrMore, Description = "Modules to check, binary (.wasm) or text (.wat), told apart by content" };
        var command = new Command("validate", "Decode and validate modules; one line per file, exit 1 if any is bad") { files };
        command.SetAction(result =>
        {
            UnknownOptions.Refuse(result);
            return Run(result.GetValue(files)!, stdout, stderr);
        });
        return command;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        int bad = 0;
        foreach (var path in args)
        {
            ModuleFile.Loaded? loaded = null;
            try
            {
                loaded = ModuleFile.Load(path);
                ModuleValidator.Validate(ModuleDecoder.Decode(loaded.Bytes, ModuleFile.Features), ModuleFile.Features);
                stdout.WriteLine($"{path}: valid");
            }
            catch (WasmException e)
            {
                stderr.WriteLine(loaded?.Describe(e) ?? e.Message);
                bad++;
            }
            catch (InputFileException e)
            {
                // One unreadable file is reported like an invalid one; the others are still checked.
                stderr.WriteLine(e.Message);
                bad++;
            }
        }
        return bad == 0 ? 0 : 1;
    }
}
