using Tessera.Kernel;
using Tessera.Kernel.Tasks;
using Tessera.Wasi;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Cli.Commands;

/// <summary>
/// How <c>tessera run</c> runs a program that imports the task API (<c>tessera_task</c>): as the
/// first task of a kernel with one worker per core, its WASI context shared with every task it
/// spawns. The run ends when that first task ends; tasks still live then are abandoned, as a
/// process's threads are when it exits.
/// </summary>
internal static class TaskProgram
{
    /// <summary>True when the module imports anything from the task API's module
    /// (<see cref="Kernel.Kernel.TaskModule"/>).</summary>
    public static bool UsesTaskApi(ModuleDefinition definition)
    {
        foreach (var import in definition.Imports)
        {
            if (import.Module == Kernel.Kernel.TaskModule) return true;
        }
        return false;
    }

    /// <summary>The kernel the program runs in; its engine compiles the module.</summary>
    public static Kernel.Kernel CreateKernel(EngineOptions engine) => new(new KernelOptions { Engine = engine });

    public static int Run(Kernel.Kernel kernel, Module module, ModuleFile.Loaded loaded, WasiContext wasi, string export, Value[] arguments, TextWriter stdout, TextWriter stderr)
    {
        var reason = kernel.Spawn(module, export, wasi, arguments).Exited.GetAwaiter().GetResult();
        stdout.Flush();
        switch (reason.Kind)
        {
            case ExitKind.Normal:
                foreach (var result in reason.Results) stdout.WriteLine(ValueText.Format(result));
                return 0;
            case ExitKind.Exited:
                return reason.ExitCode & 0xff;
            case ExitKind.Trapped:
                stderr.WriteLine("error: trap: " + reason.Detail);
                return RunCommand.TrapExitCode;
            case ExitKind.BadEntry:
                throw new UsageException($"{loaded.Path}: {reason.Detail}");
            default:
                stderr.WriteLine($"error: the program's first task ended: {reason}");
                return 1;
        }
    }
}
