using System.CommandLine;
using System.Net.Sockets;
using Tessera.Platform.Sockets;
using Tessera.Wasi;
using Tessera.Wasi.Process;
using Tessera.Wasm;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera run [OPTIONS] FILE [ARG...]</c>: compiles a module, instantiates it with WASI
/// (wasi_snapshot_preview1, sandboxed to the <c>--dir</c> preopens) and runs it: either a program
/// (<c>_start</c>, with the arguments as its argv) or, with <c>--invoke</c>, one export called with
/// arguments read by its parameter types, each result printed on its own line
/// (<see cref="ValueText"/>). The checks of imports and entry point are <see cref="WasiCommand"/>'s.
/// </summary>
/// <remarks>
/// Exit codes (also in <c>tessera --help</c> and docs/operations.md): 0 the program or call finished;
/// the program's own code when it calls <c>proc_exit</c> (its low 8 bits, as a native process's
/// exit status); 1 the module could not be loaded or compiled, or a preopen or socket could not be
/// opened; 2 a usage error (options, exports, arguments, imports that cannot be satisfied);
/// 134 execution trapped (as a native program that aborts), with <c>error: trap: ...</c> and the
/// WebAssembly backtrace on stderr.
/// </remarks>
internal static class RunCommand
{
    /// <summary>The exit code of a trap: 128 + SIGABRT, what a shell shows for a native abort().</summary>
    public const int TrapExitCode = 134;

    /// <summary>The <c>run</c> command; <paramref name="args"/> is the whole command line as given,
    /// from which the program's arguments are taken.</summary>
    public static Command Create(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var syntax = new RunOptions.Syntax();
        var command = new Command("run", "Run a WASI program (_start) with ARGs as its argv, or call one export with --invoke");
        syntax.AddTo(command);
        command.SetAction(result => Run(syntax.Read(result, args), stdout, stderr));
        return command;
    }

    public static int Run(RunOptions options, TextWriter stdout, TextWriter stderr)
    {
        var loaded = ModuleFile.Load(options.Path);
        Kernel.Kernel? kernel = null;
        try
        {
            Module module;
            try
            {
                // Decoded first to see its imports: a program that uses the task API is compiled by its
                // kernel's engine. The engine compiles this definition (Module.FromDefinition), so
                // the module is decoded once, unless the kernel's engine has other features.
                var definition = ModuleDecoder.Decode(loaded.Bytes, ModuleFile.Features);
                bool tasks = TaskProgram.UsesTaskApi(definition);
                // One module for the life of the process: its code need not be collectible, so the runtime
                // tiers it (a quick first compile, hot code recompiled with profile data).
                // A program has one or a few memories and gains from guard pages; a task program may have a
                // memory per task, and 6 GiB of address space each would cap it at about 20,000 tasks.
                var bounds = options.Bounds ?? (tasks ? BoundsChecks.Explicit : BoundsChecks.GuardPages);
                var engineOptions = new EngineOptions { UseCache = options.UseCache, CacheDirectory = options.CacheDirectory, CollectibleCode = false, BoundsChecks = bounds };
                kernel = tasks ? TaskProgram.CreateKernel(engineOptions) : null;
                var engine = kernel?.Engine ?? new Engine(ModuleFile.Features, engineOptions);
                module = engine.Features == ModuleFile.Features ? Module.FromDefinition(engine, definition) : Module.FromBytes(engine, loaded.Bytes);
            }
            catch (WasmException e)
            {
                stderr.WriteLine("error: " + loaded.Describe(e));
                return 1;
            }
            return Run(options, loaded, module, kernel, stdout, stderr);
        }
        finally
        {
            kernel?.Dispose();
        }
    }

    private static int Run(RunOptions options, ModuleFile.Loaded loaded, Module module, Kernel.Kernel? kernel, TextWriter stdout, TextWriter stderr)
    {
        // Everything the command line got wrong is reported before anything runs, so a start
        // function never executes for a call that was going to be refused.
        WasiCommand command;
        FuncType type;
        try
        {
            command = kernel is null ? WasiCommand.FromModule(module) : WasiCommand.FromModule(module, Kernel.Kernel.TaskModule);
            type = command.EntryType(options.Invoke);
        }
        catch (WasiCommandException e)
        {
            string hint = options.Invoke is null && e.Rule is WasiCommandException.UnknownExport or WasiCommandException.IncompatibleExportType
                ? $"; use --invoke NAME to call another export\nusage: {RunOptions.Usage}" : "";
            throw new UsageException($"{loaded.Path}: {e.Message}{hint}");
        }
        var values = Array.Empty<Value>();
        if (options.Invoke is { } name)
        {
            if (options.Arguments.Count != type.Parameters.Length)
            {
                throw new UsageException(
                    $"export \"{name}\" takes {Count(type.Parameters.Length, "argument")} ({string.Join(' ', type.Parameters)}), got {options.Arguments.Count}\nusage: {RunOptions.Usage}");
            }
            values = new Value[type.Parameters.Length];
            for (int i = 0; i < values.Length; i++) values[i] = ValueText.Parse(options.Arguments[i], type.Parameters[i], i + 1);
        }

        using var wasi = CreateWasi(options, loaded, stdout, stderr);
        if (kernel is not null) return TaskProgram.Run(kernel, module, loaded, wasi, options.Invoke ?? WasiCommand.Start, values, stdout, stderr);
        try
        {
            if (options.Invoke is null)
            {
                int code = command.Run(wasi);
                stdout.Flush();
                return code & 0xff;
            }
            var results = command.Invoke(wasi, options.Invoke, values);
            stdout.Flush();
            foreach (var result in results) stdout.WriteLine(ValueText.Format(result));
            return 0;
        }
        catch (WasiExit exit)
        {
            stdout.Flush();
            return exit.Code & 0xff;
        }
        catch (WasmTrap trap)
        {
            stdout.Flush();
            // The kind, then the WebAssembly functions it unwound through (named from the name
            // section). Never the .NET stack: that describes the compiler, not the guest.
            stderr.WriteLine("error: trap: " + trap.FormatBacktrace());
            return TrapExitCode;
        }
    }

    /// <summary>
    /// The program's WASI context. When the command line runs for real (stdout is the console),
    /// the guest gets the process's own descriptors 0, 1 and 2, so it reads a terminal or a pipe
    /// directly and can poll them; otherwise (tests) its output goes to the given writers.
    /// </summary>
    private static WasiContext CreateWasi(RunOptions options, ModuleFile.Loaded loaded, TextWriter stdout, TextWriter stderr)
    {
        var config = new WasiConfiguration
        {
            Limits = new WasiLimits { MaxOpenDescriptors = options.MaxOpenFiles, MaxStdoutBytes = options.MaxStdoutBytes, MaxStderrBytes = options.MaxStderrBytes },
        };
        config.Arguments.Add(loaded.Name);
        if (options.Invoke is null) config.Arguments.AddRange(options.Arguments);
        if (options.InheritEnvironment)
        {
            var explicitNames = options.Environment.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
            foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            {
                if (!explicitNames.Contains((string)e.Key)) config.Environment.Add(new((string)e.Key, (string?)e.Value ?? ""));
            }
        }
        config.Environment.AddRange(options.Environment);
        foreach (var (host, guest, readOnly) in options.Directories)
        {
            if (!Directory.Exists(host)) throw new UsageException($"--dir: no directory '{host}'");
            config.WithPreopen(host, guest, readOnly);
        }
        foreach (var address in options.TcpListen)
        {
            try
            {
                config.ListeningSockets.Add(TcpListen.Open(address));
            }
            catch (FormatException e)
            {
                throw new UsageException($"--tcplisten: {e.Message}");
            }
            catch (SocketException e)
            {
                throw new IOException($"--tcplisten {address}: {e.Message}", e);
            }
        }
        bool console = ReferenceEquals(stdout, Console.Out);
        if (console)
        {
            Console.Out.Flush();
            config.Stdin = WasiStdio.Inherit(0);
            config.Stdout = WasiStdio.Inherit(1);
            config.Stderr = WasiStdio.Inherit(2);
        }
        else
        {
            config.Stdout = WasiStdio.FromStream(new TextWriterStream(stdout));
            config.Stderr = WasiStdio.FromStream(new TextWriterStream(stderr));
        }
        try
        {
            return new WasiContext(config);
        }
        catch (WasiConfigurationException e)
        {
            foreach (var socket in config.ListeningSockets) socket.Dispose();
            throw new UsageException($"{OptionOf(e.Setting)} {e.Value}: {e.Problem}\nusage: {RunOptions.Usage}");
        }
    }

    /// <summary>The option of <c>run</c> that sets a <see cref="WasiLimits"/> property.</summary>
    private static string OptionOf(string setting) => setting switch
    {
        nameof(WasiLimits.MaxOpenDescriptors) => "--max-open-files",
        nameof(WasiLimits.MaxStdoutBytes) => "--max-stdout-bytes",
        nameof(WasiLimits.MaxStderrBytes) => "--max-stderr-bytes",
        _ => setting,
    };

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
