namespace Tessera.Cli.Commands;

/// <summary>
/// The command line of <c>tessera run</c>: options first, then the module file, then the
/// arguments. Everything after the file is an argument, never an option, so negative numbers such
/// as <c>-1</c> and <c>-inf</c> need no quoting or <c>--</c>.
/// </summary>
internal sealed record RunOptions(string? Invoke, string Path, IReadOnlyList<string> Arguments)
{
    public const string Usage = "tessera run [--invoke NAME] FILE.wasm|FILE.wat [ARG...]";

    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        string? invoke = null;
        int i = 0;
        for (; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                i++;
                break;
            }
            if (arg == "--invoke")
            {
                if (i + 1 >= args.Count) throw new UsageException($"--invoke needs an export name\nusage: {Usage}");
                invoke = args[++i];
            }
            else if (arg.StartsWith("--invoke=", StringComparison.Ordinal))
            {
                invoke = arg["--invoke=".Length..];
            }
            else if (arg.StartsWith('-') && arg.Length > 1)
            {
                throw new UsageException($"unknown option '{arg}'\nusage: {Usage}");
            }
            else
            {
                break;
            }
        }
        if (i >= args.Count) throw new UsageException($"no module file given\nusage: {Usage}");
        if (invoke is "") throw new UsageException($"--invoke needs an export name\nusage: {Usage}");
        return new RunOptions(invoke, args[i], args.Skip(i + 1).ToArray());
    }
}
