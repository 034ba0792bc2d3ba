namespace Tessera.Wasm.Wast;

/// <summary>The result of running one script: counts of assertions, and details of what did not pass.</summary>
public sealed class WastScriptResult
{
    public WastScriptResult(string name) => Name = name;

    /// <summary>The script's file name or label.</summary>
    public string Name { get; }
    /// <summary>Assertions that held (and modules that were expected to be good and were).</summary>
    public int Passed { get; internal set; }
    public int Failed { get; internal set; }
    public int Skipped { get; internal set; }
    /// <summary>Modules the script defines that decoded and validated.</summary>
    public int ModulesOk { get; internal set; }
    /// <summary>Passed assert_malformed and assert_invalid checks: the front end's share of <see cref="Passed"/>.</summary>
    public int ModuleChecksPassed { get; internal set; }
    /// <summary>Valid modules the compiler does not support yet; assertions about them are skipped.</summary>
    public int ModulesNotCompiled { get; internal set; }
    /// <summary>Assertions that passed but whose error message differs from the expected one.</summary>
    public int MessageMismatches { get; internal set; }
    /// <summary>Every failure, and every skip with its reason.</summary>
    public List<WastOutcome> Outcomes { get; } = new();
    /// <summary>Set when the script itself could not be read or parsed; the script then counts as one failure.</summary>
    public WasmException? ScriptError { get; internal set; }

    public IEnumerable<WastOutcome> Failures => Outcomes.Where(o => o.Verdict == WastVerdict.Failed);
}
