namespace Tessera.Cli.Commands;

/// <summary>
/// The command line of <c>tessera run</c>: options first, then the module file, then the
/// arguments. Everything after the file is an argument, never an option, so negative numbers such
/// as <c>-1</c> and <c>-inf</c> need no quoting or <c>--</c>.
/// </summary>
internal sealed record RunOptions(string? Invoke, string Path, IReadOnlyList<string> Arguments)
{
    public const string Usage = "tessera run [OPTIONS] FILE.wasm|FILE.wat [ARG...]";

    public const string OptionsHelp = """
        options:
          --invoke NAME            call export NAME with ARGs read by its parameter types, print its
                                   results (default: run _start, ARGs become the program's argv)
          --dir HOST[::GUEST]      preopen a host directory (as GUEST, default the HOST path)
          --dir-readonly HOST[::GUEST]
                                   preopen a directory that may be read but not changed
          --env NAME=VALUE         set an environment variable for the program
          --inherit-env            pass this process's whole environment (--env entries win)
          --tcplisten ADDR         preopen a listening TCP socket on HOST:PORT
          --max-open-files N       descriptors the program may hold at once (default 1024)
          --max-stdout-bytes N     bytes it may write to stdout (default unlimited)
          --max-stderr-bytes N     bytes it may write to stderr (default unlimited)
          --no-cache               compile the module without reading or writing the cache of
                                   compiled modules (default: ~/.cache/tessera, docs/operations.md)
          --cache-dir DIR          keep compiled modules in DIR instead
          --bounds guard|explicit  how loads and stores are kept inside linear memory: guard pages
                                   (default for programs; explicit checks where unavailable) or
                                   explicit checks (default for task programs, whose many memories
                                   would each reserve 6 GiB of address space; docs/memory.md)
        """;

    /// <summary>Preopened directories, in command-line order.</summary>
    public List<DirectoryOption> Directories { get; } = [];
    public List<KeyValuePair<string, string>> Environment { get; } = [];
    public bool InheritEnvironment { get; private set; }
    public List<string> TcpListen { get; } = [];
    public int MaxOpenFiles { get; private set; } = 1024;
    public long MaxStdoutBytes { get; private set; } = long.MaxValue;
    public long MaxStderrBytes { get; private set; } = long.MaxValue;
    /// <summary>Whether compiled modules are read from and written to the on-disk cache.</summary>
    public bool UseCache { get; private set; } = true;
    /// <summary>The cache's directory; null for the default.</summary>
    public string? CacheDirectory { get; private set; }
    /// <summary>The bounds checks asked for with <c>--bounds</c>; null for the default.</summary>
    public Tessera.Wasm.Runtime.BoundsChecks? Bounds { get; private set; }

    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        string? invoke = null;
        var directories = new List<DirectoryOption>();
        var environment = new List<KeyValuePair<string, string>>();
        var listen = new List<string>();
        bool inherit = false;
        int maxFiles = 1024;
        long maxOut = long.MaxValue, maxErr = long.MaxValue;
        bool useCache = true;
        string? cacheDirectory = null;
        Tessera.Wasm.Runtime.BoundsChecks? bounds = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        for (; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                i++;
                break;
            }
            if (!arg.StartsWith('-') || arg.Length == 1) break;
            int eq = arg.IndexOf('=');
            string option = arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? arg[..eq] : arg;
            bool inline = eq > 0 && option != arg;
            string Value()
            {
                if (inline) return arg[(eq + 1)..];
                if (i + 1 >= args.Count) throw new UsageException($"{option} needs {(option == "--invoke" ? "an export name" : "a value")}\nusage: {Usage}");
                return args[++i];
            }
            // Options that hold one value may be given once: a second would silently win otherwise.
            // Flags without a value say the same thing twice, as wrapper scripts sometimes do.
            if (option is not ("--dir" or "--dir-readonly" or "--env" or "--tcplisten" or "--inherit-env" or "--no-cache") && !seen.Add(option))
                throw new UsageException($"{option} given twice\nusage: {Usage}");
            if (inline && option is "--inherit-env" or "--no-cache") throw new UsageException($"{option} takes no value, got '{arg}'\nusage: {Usage}");
            switch (option)
            {
                case "--invoke":
                    invoke = Value();
                    if (invoke is "") throw new UsageException($"--invoke needs an export name\nusage: {Usage}");
                    break;
                case "--dir" or "--dir-readonly":
                    directories.Add(ParseDirectory(Value(), option == "--dir-readonly"));
                    break;
                case "--env":
                    string pair = Value();
                    int at = pair.IndexOf('=');
                    if (at <= 0) throw new UsageException($"--env needs NAME=VALUE, got '{pair}'");
                    environment.Add(new(pair[..at], pair[(at + 1)..]));
                    break;
                case "--inherit-env":
                    inherit = true;
                    break;
                case "--tcplisten":
                    listen.Add(Value());
                    break;
                case "--max-open-files":
                    maxFiles = (int)Count(option, Value(), int.MaxValue);
                    break;
                case "--max-stdout-bytes":
                    maxOut = Count(option, Value(), long.MaxValue);
                    break;
                case "--max-stderr-bytes":
                    maxErr = Count(option, Value(), long.MaxValue);
                    break;
                case "--no-cache":
                    useCache = false;
                    break;
                case "--cache-dir":
                    cacheDirectory = Value();
                    if (cacheDirectory is "") throw new UsageException($"--cache-dir needs a directory\nusage: {Usage}");
                    break;
                case "--bounds":
                    bounds = Value() switch
                    {
                        "guard" => Tessera.Wasm.Runtime.BoundsChecks.GuardPages,
                        "explicit" => Tessera.Wasm.Runtime.BoundsChecks.Explicit,
                        var other => throw new UsageException($"--bounds takes guard or explicit, not '{other}'"),
                    };
                    break;
                default:
                    throw new UsageException($"unknown option '{arg}'\nusage: {Usage}");
            }
        }
        if (i >= args.Count) throw new UsageException($"no module file given\nusage: {Usage}");
        var arguments = new string[args.Count - i - 1];
        for (int a = 0; a < arguments.Length; a++) arguments[a] = args[i + 1 + a];
        var options = new RunOptions(invoke, args[i], arguments)
        {
            InheritEnvironment = inherit,
            MaxOpenFiles = maxFiles,
            MaxStdoutBytes = maxOut,
            MaxStderrBytes = maxErr,
            UseCache = useCache,
            CacheDirectory = cacheDirectory,
            Bounds = bounds,
        };
        options.Directories.AddRange(directories);
        foreach (var pair in environment) options.Environment.Add(pair);
        options.TcpListen.AddRange(listen);
        return options;
    }

    /// <summary><c>HOST::GUEST</c>, or <c>HOST</c> alone (seen under its own path, as other runtimes do).</summary>
    private static DirectoryOption ParseDirectory(string value, bool readOnly)
    {
        int sep = value.IndexOf("::", StringComparison.Ordinal);
        string host = sep < 0 ? value : value[..sep];
        string guest = sep < 0 ? value : value[(sep + 2)..];
        if (host.Length == 0 || guest.Length == 0) throw new UsageException($"--dir needs HOST[::GUEST], got '{value}'");
        return new(host, guest, readOnly);
    }

    /// <summary>A whole number from 0 to <paramref name="max"/>, in decimal digits only (no sign,
    /// separators or exponent), so that what is accepted is what the documentation says.</summary>
    private static long Count(string option, string value, long max) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, null, out long n) && n <= max
            ? n
            : throw new UsageException($"{option} needs a whole number from 0 to {max}, got '{value}'");

    /// <summary>A <c>--dir</c> or <c>--dir-readonly</c> preopen. A class rather than a tuple: lists of a
    /// struct are JIT-compiled at start-up, lists of classes share code precompiled in the runtime
    /// (docs/benchmarks.md, Startup).</summary>
    internal sealed record DirectoryOption(string Host, string Guest, bool ReadOnly);
}
