using Tessera.Wasm;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Validation;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera validate FILE...</c>: decodes and validates each module; exit code 1 if any is bad.</summary>
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
            try
            {
                var loaded = ModuleFile.Load(path);
                ModuleValidator.Validate(ModuleDecoder.Decode(loaded.Bytes, ModuleFile.Features), ModuleFile.Features);
                stdout.WriteLine($"{path}: valid");
            }
            catch (WasmException e)
            {
                stderr.WriteLine($"{path}: {e.Message}");
                bad++;
            }
        }
        return bad == 0 ? 0 : 1;
    }
}
