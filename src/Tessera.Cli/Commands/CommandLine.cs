using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using Tessera.Wasm;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera COMMAND ...</c> on System.CommandLine: the command tree (<see cref="Build"/>), help,
/// <c>--version</c>, the <c>[suggest]</c> directive for shell completion, and the exit codes of
/// docs/operations.md: a parse error or a <see cref="UsageException"/> is one <c>error: </c> line
/// per problem on stderr and exit code 2; the typed errors of a command that ran are 1.
/// </summary>
public static class CommandLine
{
    private const string Description = """
        Tessera: a WebAssembly component operating system. With no command, runs the embedded
        example (assembles, inspects, validates and runs a module).

        Exit codes: 0 success; 1 error (bad module, failed command); 2 usage (bad options or
        arguments, unknown export, imports a WASI command cannot have); run: the program's
        proc_exit code, or 134 for a trap ("error: trap: ..." and a backtrace on stderr).
        """;

    /// <summary>As the parser reads the command line. Response files are off: an argument such as
    /// <c>@list</c> after <c>run FILE</c> belongs to the program, and no command took them before.</summary>
    private static readonly ParserConfiguration s_parser = new() { ResponseFileTokenReplacer = null };

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var result = Build(args, stdout, stderr).Parse(args, s_parser);
        if (result.Action is ParseErrorAction)
        {
            // System.CommandLine's own handler exits 1 and prints the whole help; a usage error is
            // 2 here, and the help is one command away. An unknown option taken for a file is
            // named first: the errors that follow from it (an argument too many) are its echo.
            if (UnknownOptions.Find(result) is { } option) stderr.WriteLine($"error: unknown option '{option}'");
            foreach (var error in result.Errors) stderr.WriteLine("error: " + error.Message);
            stderr.WriteLine($"see '{Path(result.CommandResult.Command)} --help'");
            return 2;
        }
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Exceptions the commands do not expect are bugs: they surface with their stack trace.
            EnableDefaultExceptionHandler = false,
            // Ctrl+C ends the process at once, as before: no command waits for a cancellation token.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return result.Invoke(invocation);
        }
        // What a command reports as a typed error: one line, and 2 for a usage error, 1 otherwise.
        // Nothing else is caught.
        catch (Exception e) when (e is UsageException or WasmException or InputFileException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine("error: " + e.Message);
            return e is UsageException ? 2 : 1;
        }
    }

    /// <summary>The command tree; each command's action writes to <paramref name="stdout"/> and
    /// <paramref name="stderr"/>. <c>run</c> also reads <paramref name="args"/> as given, for its
    /// program's arguments.</summary>
    internal static RootCommand Build(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand(Description);
        // The name in help and usage lines, whatever the host process is called (dotnet, a test host).
        root.HelpName = "tessera";
        // --version names tessera's version, not the entry assembly's (a test host's, in tests).
        root.Options.OfType<VersionOption>().Single().Action = new VersionAction();
        root.Add(RunCommand.Create(args, stdout, stderr));
        root.Add(WastCommand.Create(stdout, stderr));
        root.Add(ValidateCommand.Create(stdout, stderr));
        root.Add(InspectCommand.Create(stdout));
        root.Add(AssembleCommand.Create(stdout));
        root.Add(HelpCommand.Create(root, stdout, stderr));
        root.SetAction(_ => ExampleCommand.Run(stdout, stderr));
        return root;
    }

    /// <summary>Prints this assembly's informational version: the version of
    /// Directory.Build.props and the commit it was built from.</summary>
    private sealed class VersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var version = typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            parseResult.InvocationConfiguration.Output.WriteLine(version ?? "unknown");
            return 0;
        }
    }

    /// <summary><c>tessera</c> and the names of the commands down to <paramref name="command"/>.</summary>
    private static string Path(Command command) =>
        command.Parents.OfType<Command>().FirstOrDefault() is { } parent ? $"{Path(parent)} {command.Name}" : "tessera";
}
