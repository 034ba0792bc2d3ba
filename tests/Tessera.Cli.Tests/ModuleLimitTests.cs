using Tessera.Security.Tests.Hostile;
using static Tessera.Security.Tests.Hostile.ModuleBytes;

namespace Tessera.Cli.Tests;

/// <summary>
/// Modules that passed the spec's validation but once took the process down when run from the
/// command line (docs/security.md, "Implementation limits"): each now ends in exit code 1 with
/// the limit named, or runs and prints the value the arithmetic says.
/// </summary>
public sealed class ModuleLimitTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tessera-limits-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary><c>tessera run --no-cache --invoke EXPORT FILE ARGS...</c> on <paramref name="module"/>.</summary>
    private (int Exit, string Out, string Err) Invoke(byte[] module, string export, params string[] arguments)
    {
        string path = Path.Combine(_dir.FullName, "m.wasm");
        File.WriteAllBytes(path, module);
        return CliRun.Run(["run", "--no-cache", "--invoke", export, path, .. arguments]);
    }

    [Fact]
    public void AnOperandStackPastTheLimitIsAnErrorNamingIt()
    {
        // 65,536 constants then 65,535 additions: its first call threw InvalidProgramException.
        var (exit, output, error) = Invoke(OneFunction(NoLocals, [.. Repeat([0x41, 0x01], 65_536), .. Repeat([0x6a], 65_535)]), "f");
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("operand stack height", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void SeventyThousandFunctionsRun()
    {
        // Past the runtime's methods per type (TypeLoadException before): last(4) = 4 + 69,999.
        var (exit, output, error) = Invoke(ManyFunctionsModule.Build(70_000), "last", "4");
        Assert.True(exit == 0, error);
        Assert.Equal("70003", output.Trim());
        // f0(0) = 0: the first function, in the first generated type.
        (exit, output, _) = Invoke(ManyFunctionsModule.Build(70_000), "f0", "0");
        Assert.Equal(0, exit);
        Assert.Equal("0", output.Trim());
    }
}
