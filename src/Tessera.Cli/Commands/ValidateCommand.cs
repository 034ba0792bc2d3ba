using Tessera.Wasm;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Validation;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera validate FILE...</c>: decodes and validates each module; exit code 1 if any is bad.
/// Errors in text modules name the line and column of the offending instruction.</summary>
internal static class ValidateCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0)
        {
            stderr.WriteLine("usage: tessera validate FILE.wasm|FILE.wat...");
            return 2;
        }
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
