namespace Tessera.Cli;

/// <summary>The command line asks for something that cannot be done as written: a missing or
/// unknown option, an export the module lacks, arguments that do not fit the export's type, or
/// imports that <c>tessera run</c> cannot provide. <c>Commands.CommandLine</c> turns it into one line
/// on stderr and exit code 2, so scripts can tell "you called it wrong" from "it ran and failed".</summary>
public sealed class UsageException : Exception
{
    public UsageException(string message) : base(message) { }
}
