namespace Tessera.Cli;

/// <summary>A file named on the command line cannot be used as input: it is missing, unreadable, a
/// directory or other non-regular file, empty, too large, or not a WebAssembly module.
/// <c>Commands.CommandLine</c> turns it into one line on stderr and exit code 1, as for any input
/// that cannot be read (docs/operations.md).</summary>
public sealed class InputFileException : Exception
{
    public InputFileException(string path, string problem) : base($"{path}: {problem}") => Path = path;

    /// <summary>The file as named on the command line.</summary>
    public string Path { get; }
}
