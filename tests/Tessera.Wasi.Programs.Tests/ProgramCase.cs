namespace Tessera.WasiPrograms.Tests;

/// <summary>
/// A line node prints where it departs from the WASI specification, and the line the
/// specification calls for instead (each listed in docs/wasi-programs.md, "node differences").
/// The test checks that node still prints <see cref="NodeText"/>, so the list cannot go stale.
/// </summary>
public sealed record NodeDeviation(string NodeText, string SpecText);

/// <summary>
/// One run of a test program: its arguments, environment, standard input and the files the
/// preopened directory /sandbox holds on entry; the deviations of node from the specification
/// that its output shows; and, where those change the outcome, the exit code and the entries of
/// the sandbox that the specification implies.
/// </summary>
public sealed record ProgramCase(string Program, string[] Args)
{
    public string[] Env { get; init; } = [];
    public byte[]? Stdin { get; init; }
    public Action<string>? Setup { get; init; }
    public NodeDeviation[] NodeDeviations { get; init; } = [];
    public int? SpecExit { get; init; }
    /// <summary>Sandbox entries (as <see cref="Tree"/> spells them) node leaves out, and their values.</summary>
    public Dictionary<string, string> SpecTreeAdds { get; init; } = [];
    /// <summary>Sandbox entries node leaves behind that the specification would have removed.</summary>
    public Func<string, bool>? SpecTreeRemoves { get; init; }
    /// <summary>True when node cannot run the case at all (it hangs); the expectation is then <see cref="SpecStdout"/>.</summary>
    public bool NodeCannotRun { get; init; }
    public string? SpecStdout { get; init; }
}
