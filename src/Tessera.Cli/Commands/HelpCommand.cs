using System.CommandLine;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera help [COMMAND]</c>: the help of <c>tessera</c> or of one command, as
/// <c>--help</c> prints it; kept because <c>tessera help</c> printed the help before
/// System.CommandLine did.</summary>
internal static class HelpCommand
{
    public static Command Create(RootCommand root, TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string?>("COMMAND") { Arity = ArgumentArity.ZeroOrOne, HelpName = "COMMAND", Description = "The command to describe" };
        name.CompletionSources.Add(_ => root.Subcommands.Select(c => c.Name));
        var help = new Command("help", "Show help for tessera or one of its commands") { name };
        help.SetAction(result =>
        {
            string? command = result.GetValue(name);
            if (command is not null && !root.Subcommands.Any(c => c.Name == command))
                throw new UsageException($"unknown command '{command}'; the commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))}");
            string[] args = command is null ? ["--help"] : [command, "--help"];
            return root.Parse(args).Invoke(new() { Output = stdout, Error = stderr });
        });
        return help;
    }
}
