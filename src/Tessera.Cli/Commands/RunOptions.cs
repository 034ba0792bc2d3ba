using System.CommandLine;
using System.CommandLine.Parsing;
using Tessera.Wasm.Runtime;

namespace Tessera.Cli.Commands;

/// <summary>
/// The command line of <c>tessera run</c>: options first, then the module file, then the
/// arguments. Everything after the file is an argument, never an option, so negative numbers such
/// as <c>-1</c> and <c>-inf</c> need no quoting or <c>--</c>. <see cref="Syntax"/> declares the
/// options to System.CommandLine and reads a parse result into this record.
/// </summary>
internal sealed record RunOptions(string? Invoke, string Path, IReadOnlyList<string> Arguments)
{
    public const string Usage = "tessera run [options] FILE.wasm|FILE.wat [ARG...]";

    /// <summary>Preopened directories, in command-line order (<c>--dir</c> and <c>--dir-readonly</c>
    /// interleaved as given: the order numbers their descriptors).</summary>
    public List<DirectoryOption> Directories { get; } = [];
    public List<KeyValuePair<string, string>> Environment { get; } = [];
    public bool InheritEnvironment { get; private init; }
    public List<string> TcpListen { get; } = [];
    public int MaxOpenFiles { get; private init; } = 1024;
    public long MaxStdoutBytes { get; private init; } = long.MaxValue;
    public long MaxStderrBytes { get; private init; } = long.MaxValue;
    /// <summary>Whether compiled modules are read from and written to the on-disk cache.</summary>
    public bool UseCache { get; private init; } = true;
    /// <summary>The cache's directory; null for the default.</summary>
    public string? CacheDirectory { get; private init; }
    /// <summary>The bounds checks asked for with <c>--bounds</c>; null for the default.</summary>
    public BoundsChecks? Bounds { get; private init; }

    /// <summary>A <c>--dir</c> or <c>--dir-readonly</c> preopen. A class rather than a tuple: lists of a
    /// struct are JIT-compiled at start-up, lists of classes share code precompiled in the runtime
    /// (docs/benchmarks.md, Startup).</summary>
    internal sealed record DirectoryOption(string Host, string Guest, bool ReadOnly);

    /// <summary>
    /// <c>run</c>'s options and arguments as System.CommandLine symbols. Values are checked as they
    /// are parsed (a parse error, exit 2, naming the option); a single-valued option given twice is
    /// the parser's own arity error. The file is the first argument that is not an option or an
    /// option's value; the arguments after it are captured whole (<c>CaptureRemainingTokens</c>)
    /// and then taken from the command line as given, since the parser splits <c>--dir=x</c> into
    /// two tokens even there.
    /// </summary>
    internal sealed class Syntax
    {
        private readonly Option<string> _invoke = new("--invoke")
        {
            HelpName = "NAME",
            Description = "Call export NAME with the ARGs read by its parameter types and print its results (default: run _start, the ARGs become the program's argv)",
        };
        private readonly Option<string[]> _dir = Repeatable("--dir", "HOST[::GUEST]", "Preopen a host directory, seen by the program as GUEST (default: the HOST path)");
        private readonly Option<string[]> _dirReadOnly = Repeatable("--dir-readonly", "HOST[::GUEST]", "Preopen a directory that may be read and listed but not changed");
        private readonly Option<string[]> _env = Repeatable("--env", "NAME=VALUE", "Set an environment variable for the program");
        private readonly Option<bool> _inheritEnv = Flag("--inherit-env", "Pass this process's whole environment too (--env entries win)");
        private readonly Option<string[]> _tcpListen = Repeatable("--tcplisten", "HOST:PORT", "Preopen a listening TCP socket");
        private readonly Option<long> _maxOpenFiles = Count("--max-open-files", int.MaxValue, 1024, "Descriptors the program may hold at once: at least 3 (stdio) plus one per --dir, --dir-readonly and --tcplisten");
        private readonly Option<long> _maxStdout = Count("--max-stdout-bytes", long.MaxValue, long.MaxValue, "Bytes the program may write to stdout; the default, 2^63-1, is no limit");
        private readonly Option<long> _maxStderr = Count("--max-stderr-bytes", long.MaxValue, long.MaxValue, "Bytes the program may write to stderr; the default, 2^63-1, is no limit");
        private readonly Option<bool> _noCache = Flag("--no-cache", "Compile without reading or writing the cache of compiled modules (default: ~/.cache/tessera, docs/operations.md)");
        private readonly Option<string> _cacheDir = new("--cache-dir") { HelpName = "DIR", Description = "Keep compiled modules in DIR instead" };
        private readonly Option<BoundsChecks?> _bounds = new("--bounds")
        {
            HelpName = "guard|explicit",
            Description = "How loads and stores stay inside linear memory: guard pages (default for programs, where available) or explicit checks (default for task programs, whose many memories would each reserve 6 GiB of address space; docs/memory.md)",
            CustomParser = result => result.Tokens[0].Value switch
            {
                "guard" => BoundsChecks.GuardPages,
                "explicit" => BoundsChecks.Explicit,
                var other => Error<BoundsChecks?>(result, $"--bounds takes guard or explicit, not '{other}'"),
            },
        };
        private readonly Argument<string> _file = new("FILE") { HelpName = "FILE.wasm|FILE.wat", Description = "The module, binary or text, told apart by content" };
        private readonly Argument<string[]> _arguments = new("ARG")
        {
            Arity = ArgumentArity.ZeroOrMore,
            CaptureRemainingTokens = true,
            Description = "The program's arguments (after its file name in argv), or with --invoke the export's arguments; never options",
        };

        public Syntax()
        {
            _invoke.Validators.Add(result => NotEmpty(result, "--invoke needs an export name"));
            _cacheDir.Validators.Add(result => NotEmpty(result, "--cache-dir needs a directory"));
            _env.Validators.Add(result =>
            {
                foreach (var pair in result.GetValueOrDefault<string[]>())
                {
                    if (pair.IndexOf('=') <= 0) result.AddError($"--env needs NAME=VALUE, got '{pair}'");
                }
            });
            foreach (var dir in new[] { _dir, _dirReadOnly })
            {
                dir.Validators.Add(result =>
                {
                    foreach (var value in result.GetValueOrDefault<string[]>())
                    {
                        if (ParseDirectory(value, readOnly: false) is null) result.AddError($"--dir needs HOST[::GUEST], got '{value}'");
                    }
                });
            }
            // Only the two words: the parser would also offer the enum's names, which it does not accept.
            _bounds.CompletionSources.Clear();
            _bounds.CompletionSources.Add("guard", "explicit");
        }

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _invoke, _dir, _dirReadOnly, _env, _inheritEnv, _tcpListen, _maxOpenFiles, _maxStdout, _maxStderr, _noCache, _cacheDir, _bounds })
                command.Add(option);
            command.Add(_file);
            command.Add(_arguments);
        }

        /// <summary>The options of a parse result without errors; <paramref name="args"/> is the
        /// whole command line as given, from which the program's arguments are taken.</summary>
        public RunOptions Read(ParseResult result, IReadOnlyList<string> args)
        {
            UnknownOptions.Refuse(result);
            var directories = new List<DirectoryOption>();
            int file = IndexOfFile(result, args, directories);
            var options = new RunOptions(result.GetValue(_invoke), result.GetValue(_file)!, args.Skip(file + 1).ToArray())
            {
                InheritEnvironment = result.GetValue(_inheritEnv),
                MaxOpenFiles = (int)result.GetValue(_maxOpenFiles),
                MaxStdoutBytes = result.GetValue(_maxStdout),
                MaxStderrBytes = result.GetValue(_maxStderr),
                UseCache = !result.GetValue(_noCache),
                CacheDirectory = result.GetValue(_cacheDir),
                Bounds = result.GetValue(_bounds),
            };
            options.Directories.AddRange(directories);
            foreach (var pair in result.GetValue(_env) ?? [])
            {
                int at = pair.IndexOf('=');
                options.Environment.Add(new(pair[..at], pair[(at + 1)..]));
            }
            options.TcpListen.AddRange(result.GetValue(_tcpListen) ?? []);
            return options;
        }

        /// <summary>
        /// The index in <paramref name="args"/> of the module file, found by walking the command
        /// line beside the parser's tokens: one token per argument, except that <c>--name=value</c>
        /// became two. On the way it collects the preopens in order and refuses a value given to a
        /// flag (<c>--no-cache=1</c>, which the parser would split and take "1" for the file).
        /// </summary>
        private int IndexOfFile(ParseResult result, IReadOnlyList<string> args, List<DirectoryOption> directories)
        {
            var tokens = result.Tokens;
            int fileToken = UnknownOptions.IndexOf(tokens, result.GetResult(_file)!.Tokens[0]);
            // The root command has no token: args[0] is the first token's text too.
            int i = 0;
            for (int j = 0; j < fileToken; i++)
            {
                var token = tokens[j];
                bool split = token.Type == TokenType.Option && token.Value != args[i];
                if (split && (token.Value == _inheritEnv.Name || token.Value == _noCache.Name))
                    throw new UsageException($"{token.Value} takes no value, got '{args[i]}'\nusage: {Usage}");
                if (token.Type == TokenType.Option && (token.Value == _dir.Name || token.Value == _dirReadOnly.Name))
                    directories.Add(ParseDirectory(tokens[j + 1].Value, token.Value == _dirReadOnly.Name)!);
                j += split ? 2 : 1;
            }
            return i;
        }

        private static Option<string[]> Repeatable(string name, string value, string description) =>
            new(name) { HelpName = value, Description = description + " (repeatable)", Arity = ArgumentArity.OneOrMore };

        /// <summary>A flag: no value, and saying it twice says the same thing.</summary>
        private static Option<bool> Flag(string name, string description) =>
            new(name) { Arity = ArgumentArity.Zero, Description = description };

        /// <summary>A whole number from 0 to <paramref name="max"/>, in decimal digits only (no sign,
        /// separators or exponent), so that what is accepted is what the documentation says.</summary>
        private static Option<long> Count(string name, long max, long defaultValue, string description) => new(name)
        {
            HelpName = "N",
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                string value = result.Tokens[0].Value;
                return long.TryParse(value, System.Globalization.NumberStyles.None, null, out long n) && n <= max
                    ? n
                    : Error<long>(result, $"{name} needs a whole number from 0 to {max}, got '{value}'");
            },
        };

        private static void NotEmpty(OptionResult result, string message)
        {
            if (result.GetValueOrDefault<string>() is "") result.AddError(message);
        }

        private static T Error<T>(ArgumentResult result, string message)
        {
            result.AddError(message);
            return default!;
        }
    }

    /// <summary><c>HOST::GUEST</c>, or <c>HOST</c> alone (seen under its own path, as other runtimes
    /// do); null when either part is empty.</summary>
    private static DirectoryOption? ParseDirectory(string value, bool readOnly)
    {
        int sep = value.IndexOf("::", StringComparison.Ordinal);
        string host = sep < 0 ? value : value[..sep];
        string guest = sep < 0 ? value : value[(sep + 2)..];
        return host.Length == 0 || guest.Length == 0 ? null : new(host, guest, readOnly);
    }
}
