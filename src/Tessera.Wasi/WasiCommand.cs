using Tessera.Wasi.Process;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasi;

/// <summary>
/// A module checked to run as a WASI preview 1 command: every import is a function of
/// <c>wasi_snapshot_preview1</c> with the type WASI gives it (or comes from a module the caller
/// provides itself), and the entry point is the function export <c>_start</c> of type
/// [] -&gt; []. The checks read the module's definition only: a module that would be refused is
/// never instantiated, so its start function never runs.
/// </summary>
/// <example>
/// <code>
/// var command = WasiCommand.FromModule(Module.FromFile(engine, "app.wasm"));
/// using var wasi = new WasiContext(new WasiConfiguration().WithArguments("app"));
/// int status = command.Run(wasi); // 0, or the code the program gave proc_exit
/// </code>
/// </example>
public sealed class WasiCommand
{
    /// <summary>The export a WASI command is entered through.</summary>
    public const string Start = "_start";

    private WasiCommand(Module module) => Module = module;

    public Module Module { get; }

    /// <summary>Checks <paramref name="module"/>'s imports in order and stops at the first that
    /// does not fit: one from <c>wasi_snapshot_preview1</c> must be a function WASI defines
    /// (<see cref="WasiModule.Functions"/>) with the same type; one from any other module must come
    /// from one of <paramref name="hostModules"/>, which the caller links itself and whose types
    /// its linker checks (a kernel's task API).</summary>
    /// <exception cref="WasiCommandException">An import is unknown (<see cref="WasiCommandException.UnknownImport"/>)
    /// or of another type or kind than WASI's (<see cref="WasiCommandException.IncompatibleImportType"/>).</exception>
    public static WasiCommand FromModule(Module module, params IReadOnlyCollection<string> hostModules)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(hostModules);
        var definition = module.Definition;
        foreach (var import in definition.Imports)
        {
            string item = $"\"{import.Module}\" \"{import.Name}\"";
            if (import.Module != WasiModule.Name)
            {
                if (hostModules.Contains(import.Module)) continue;
                throw UnknownImport(item, hostModules);
            }
            var expected = WasiFunctionTypes.Of(import.Name) ?? throw UnknownImport(item, hostModules);
            if (import.Kind != ExternKind.Func)
            {
                throw new WasiCommandException(WasiCommandException.IncompatibleImportType, item,
                    $"{WasiCommandException.IncompatibleImportType}: {item} (WASI defines a function of type {expected}, the module imports a {Kind(import.Kind)})");
            }
            var declared = definition.Types[(int)import.FunctionType.Value];
            if (!declared.Equals(expected))
            {
                throw new WasiCommandException(WasiCommandException.IncompatibleImportType, item,
                    $"{WasiCommandException.IncompatibleImportType}: {item} (WASI defines {expected}, the module imports {declared})");
            }
        }
        return new WasiCommand(module);
    }

    /// <summary>The type of the function the command is entered through: <c>_start</c>, which must
    /// be of type [] -&gt; [], when <paramref name="export"/> is null; otherwise the export of that
    /// name, which must be a function of any type.</summary>
    /// <exception cref="WasiCommandException">No such function (<see cref="WasiCommandException.UnknownExport"/>),
    /// or not a function, or <c>_start</c> of another type (<see cref="WasiCommandException.IncompatibleExportType"/>).</exception>
    public FuncType EntryType(string? export = null)
    {
        var definition = Module.Definition;
        if (export is null)
        {
            var start = definition.Exports.OfType<FuncExport>().FirstOrDefault(e => e.Name == Start)
                ?? throw new WasiCommandException(WasiCommandException.UnknownExport, Start, $"no \"{Start}\" function to run as a command");
            var type = TypeOf(definition, start);
            if (type.Parameters.Length != 0 || type.Results.Length != 0)
                throw new WasiCommandException(WasiCommandException.IncompatibleExportType, Start, $"\"{Start}\" has type {type}, not [] -> []");
            return type;
        }
        var found = definition.Exports.FirstOrDefault(e => e.Name == export);
        if (found is null)
        {
            var functions = definition.Exports.Where(e => e.Kind == ExternKind.Func).Select(e => $"\"{e.Name}\"").ToList();
            string known = functions.Count == 0 ? "it exports no functions" : "its function exports: " + string.Join(", ", functions);
            throw new WasiCommandException(WasiCommandException.UnknownExport, export, $"no export named \"{export}\" ({known})");
        }
        if (found is not FuncExport function)
            throw new WasiCommandException(WasiCommandException.IncompatibleExportType, export, $"export \"{export}\" is a {Kind(found.Kind)}, not a function");
        return TypeOf(definition, function);
    }

    /// <summary>Instantiates the module with WASI bound to <paramref name="context"/> and runs
    /// <c>_start</c>; returns 0 when it returns, or the code it passed to proc_exit (a terminating
    /// proc_raise gives 128 + the signal, <see cref="WasiExit"/>). A trap propagates as a
    /// <see cref="WasmTrap"/>.</summary>
    /// <exception cref="WasiCommandException">No <c>_start</c> of type [] -&gt; [] (checked first).</exception>
    /// <exception cref="WasmLinkException">The module imports from a host module, which only its
    /// provider can link.</exception>
    public int Run(WasiContext context)
    {
        EntryType();
        try
        {
            Call(context, Start, []);
            return 0;
        }
        catch (WasiExit exit)
        {
            return exit.Code;
        }
    }

    /// <summary>Instantiates the module with WASI bound to <paramref name="context"/> and calls
    /// the function export <paramref name="export"/>; returns its results. proc_exit ends the call
    /// with <see cref="WasiExit"/>, a trap with <see cref="WasmTrap"/>.</summary>
    /// <exception cref="WasiCommandException">No function export of that name (checked first).</exception>
    /// <exception cref="WasmLinkException">The module imports from a host module, which only its
    /// provider can link.</exception>
    public Value[] Invoke(WasiContext context, string export, params Value[] arguments)
    {
        ArgumentNullException.ThrowIfNull(export);
        EntryType(export);
        return Call(context, export, arguments);
    }

    /// <summary>The one place this class instantiates and calls: a fresh store, WASI defined on a
    /// fresh linker.</summary>
    private Value[] Call(WasiContext context, string export, Value[] arguments)
    {
        ArgumentNullException.ThrowIfNull(context);
        var instance = WasiModule.Define(new Linker(), context).Instantiate(new Store(Module.Engine), Module);
        return instance.GetFunc(export)!.Invoke(arguments);
    }

    private static FuncType TypeOf(ModuleDefinition definition, FuncExport function) => definition.FunctionType(function.Index);

    private static string Kind(ExternKind kind) => kind.ToString().ToLowerInvariant();

    private static WasiCommandException UnknownImport(string item, IReadOnlyCollection<string> hostModules)
    {
        string provided = hostModules.Count == 0 ? WasiModule.Name : $"{WasiModule.Name} and {string.Join(", ", hostModules)}";
        return new WasiCommandException(WasiCommandException.UnknownImport, item,
            $"{WasiCommandException.UnknownImport}: {item}: the host provides only the functions of {provided}");
    }
}
