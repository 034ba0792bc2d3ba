namespace Tessera.Wasi.Tests;

/// <summary>
/// A temporary tree for escape attempts: <c>sandbox/</c> (holding <c>file.txt</c>, "inside", and
/// <c>sub/</c>), preopened as <c>/sandbox</c> (descriptor 3) to a <see cref="Tests.Guest"/>, and
/// beside it <c>outside/</c> (holding <c>secret.txt</c>, "secret"), which no call may reach.
/// </summary>
internal sealed class SandboxTree : IDisposable
{
    private readonly DirectoryInfo _root;

    public SandboxTree(string prefix)
    {
        _root = Directory.CreateTempSubdirectory(prefix);
        Sandbox = Directory.CreateDirectory(Path.Combine(_root.FullName, "sandbox")).FullName;
        Outside = Directory.CreateDirectory(Path.Combine(_root.FullName, "outside")).FullName;
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), "secret");
        File.WriteAllText(Path.Combine(Sandbox, "file.txt"), "inside");
        Directory.CreateDirectory(Path.Combine(Sandbox, "sub"));
        Guest = new Guest(new WasiConfiguration().WithPreopen(Sandbox, "/sandbox"));
    }

    public string Sandbox { get; }

    public string Outside { get; }

    public Guest Guest { get; }

    public void Dispose()
    {
        Guest.Dispose();
        _root.Delete(recursive: true);
    }
}
