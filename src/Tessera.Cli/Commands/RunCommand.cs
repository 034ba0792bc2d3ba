using Tessera.Wasm;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera run [--invoke NAME] FILE [ARG...]</c>: compiles a module, instantiates it, calls
/// one export with arguments read by its parameter types, and prints each result on its own line
/// (format in <see cref="ValueText"/>). Without <c>--invoke</c> it runs <c>_start</c>, but only for
/// a module that needs nothing from WASI, which does not exist yet.
/// </summary>
/// <remarks>
/// Exit codes (also in <c>tessera help</c> and docs/operations.md): 0 the call returned; 1 the
/// module could not be loaded or compiled, or execution trapped (<c>error: trap: ...</c> on
/// stderr); 2 a usage error, including an export that is missing or not a function, arguments that
/// do not fit, and imports that cannot be satisfied. Codes from 128 up are kept for WASI's
/// <c>proc_exit</c> and signals.
/// </remarks>
internal static class RunCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = RunOptions.Parse(args);
        var loaded = ModuleFile.Load(options.Path);
        var engine = new Engine(ModuleFile.Features, new EngineOptions { UseCache = Environment.GetEnvironmentVariable("TESSERA_NO_CACHE") is null });
        Module module;
        try
        {
            module = Module.FromBytes(engine, loaded.Bytes);
        }
        catch (WasmException e)
        {
            stderr.WriteLine("error: " + loaded.Describe(e));
            return 1;
        }

        // Everything the command line got wrong is reported before anything runs, so a start
        // function never executes for a call that was going to be refused.
        var (name, type) = options.Invoke is { } invoke ? FindFunction(loaded, module.Definition, invoke) : FindStart(loaded, module.Definition, options);
        if (options.Arguments.Count != type.Parameters.Length)
        {
            throw new UsageException(
                $"export \"{name}\" takes {Count(type.Parameters.Length, "argument")} ({string.Join(' ', type.Parameters)}), got {options.Arguments.Count}\nusage: {RunOptions.Usage}");
        }
        var values = new Value[type.Parameters.Length];
        for (int i = 0; i < values.Length; i++) values[i] = ValueText.Parse(options.Arguments[i], type.Parameters[i], i + 1);

        Instance instance;
        try
        {
            // An empty linker for now: WASI will define its functions here.
            instance = new Linker().Instantiate(new Store(engine), module);
        }
        catch (WasmLinkException e)
        {
            throw new UsageException($"{loaded.Path}: {e.Message}: tessera run provides no imports yet (WASI comes later)");
        }
        catch (WasmTrap trap)
        {
            return Trapped(trap, stderr);
        }

        Value[] results;
        try
        {
            results = instance.GetFunc(name)!.Invoke(values);
        }
        catch (WasmTrap trap)
        {
            return Trapped(trap, stderr);
        }
        foreach (var result in results) stdout.WriteLine(ValueText.Format(result));
        return 0;
    }

    /// <summary>The export <paramref name="name"/>, which must be a function.</summary>
    private static (string, FuncType) FindFunction(ModuleFile.Loaded loaded, ModuleDefinition def, string name)
    {
        var export = def.Exports.Find(e => e.Name == name);
        if (export is null)
        {
            var functions = def.Exports.Where(e => e.Kind == ExternKind.Func).Select(e => $"\"{e.Name}\"").ToList();
            string known = functions.Count == 0 ? "it exports no functions" : "its function exports: " + string.Join(", ", functions);
            throw new UsageException($"{loaded.Path}: no export named \"{name}\" ({known})");
        }
        if (export.Kind != ExternKind.Func)
            throw new UsageException($"{loaded.Path}: export \"{name}\" is a {export.Kind.ToString().ToLowerInvariant()}, not a function");
        return (name, def.Types[(int)def.FunctionTypeIndex(new FuncIndex(export.Index)).Value]);
    }

    /// <summary>
    /// <c>_start</c>, for a module that can run without WASI: no imports, and <c>_start</c> of type
    /// [] -> []. Anything else needs WASI, which is a later issue, so the error says to use --invoke.
    /// </summary>
    private static (string, FuncType) FindStart(ModuleFile.Loaded loaded, ModuleDefinition def, RunOptions options)
    {
        const string Start = "_start";
        string hint = "use --invoke NAME to call an export\nusage: " + RunOptions.Usage;
        if (def.Imports.Count > 0)
        {
            var first = def.Imports[0];
            throw new UsageException($"no WASI yet: {loaded.Path} imports \"{first.Module}\" \"{first.Name}\" and cannot run as a program; {hint}");
        }
        var export = def.Exports.Find(e => e.Name == Start && e.Kind == ExternKind.Func)
            ?? throw new UsageException($"no WASI yet: {loaded.Path} has no \"{Start}\" function to run; {hint}");
        var type = def.Types[(int)def.FunctionTypeIndex(new FuncIndex(export.Index)).Value];
        if (type.Parameters.Length != 0 || type.Results.Length != 0)
            throw new UsageException($"{loaded.Path}: \"{Start}\" has type {type}, not [] -> []; {hint}");
        if (options.Arguments.Count != 0)
            throw new UsageException($"no WASI yet: arguments to a program need WASI; {hint}");
        return (Start, type);
    }

    private static int Trapped(WasmTrap trap, TextWriter stderr)
    {
        // The kind, then the WebAssembly functions it unwound through (named from the name
        // section). Never the .NET stack: that describes the compiler, not the guest.
        stderr.WriteLine("error: trap: " + trap.FormatBacktrace());
        return 1;
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
