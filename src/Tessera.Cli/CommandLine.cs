using Tessera.Cli.Commands;
using Tessera.Wasm;

namespace Tessera.Cli;

/// <summary>Dispatches <c>tessera COMMAND ...</c> to the command that implements it and turns typed
/// errors into one line on stderr and a non-zero exit code.</summary>
public static class CommandLine
{
    private const string Help = """
        Tessera: a WebAssembly component operating system.

        usage:
          tessera                     run the embedded example (inspect and validate a module)
          tessera wast FILE...        run WebAssembly spec test scripts
          tessera validate FILE...    decode and validate modules (.wasm or .wat)
          tessera inspect FILE        summarize a module's sections
          tessera run [OPTIONS] FILE [ARG...]
                                      run a WASI program (_start) with ARGs as its argv;
                                      --invoke NAME calls an export and prints its results;
                                      --dir HOST[::GUEST], --env NAME=VALUE, --inherit-env,
                                      --tcplisten ADDR, limits: see docs/operations.md
          tessera assemble FILE.wat [-o FILE.wasm]
                                      assemble a text module into a binary
          tessera help                this text

        exit codes: 0 success; 1 error (bad module, failed command); 2 usage (bad options or
        arguments, unknown export, unsatisfiable imports); run: the program's proc_exit code,
        or 134 for a trap ("error: trap: ..." and a backtrace on stderr).
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0) return ExampleCommand.Run(stdout, stderr);
        string command = args[0];
        string[] rest = args[1..];
        try
        {
            return command switch
            {
                "wast" => WastCommand.Run(rest, stdout, stderr),
                "validate" => ValidateCommand.Run(rest, stdout, stderr),
                "inspect" => InspectCommand.Run(rest, stdout, stderr),
                "assemble" => AssembleCommand.Run(rest, stdout, stderr),
                "run" => RunCommand.Run(rest, stdout, stderr),
                "help" or "--help" or "-h" => PrintHelp(stdout),
                _ => Unknown(command, stderr),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return 2;
        }
        catch (WasmException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return 1;
        }
        catch (InputFileException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return 1;
        }
        catch (IOException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return 1;
        }
        catch (UnauthorizedAccessException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return 1;
        }
    }

    private static int PrintHelp(TextWriter stdout)
    {
        stdout.WriteLine(Help);
        return 0;
    }

    private static int Unknown(string command, TextWriter stderr)
    {
        stderr.WriteLine($"tessera: unknown command '{command}'");
        stderr.WriteLine(Help);
        return 2;
    }
}
