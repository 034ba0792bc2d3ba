namespace Tessera.Security.Tests.Differential;

/// <summary>
/// What one engine did with one module, line by line: each export called (in the module's export
/// order, with zero arguments), its results or its trap, each call the module made to its
/// imports with the arguments, and at the end every exported memory's digest and every exported
/// global's value. Two engines agree on a module when their transcripts are equal.
/// </summary>
internal sealed class Transcript
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines => _lines;

    /// <summary>Whether the engine refused the module (decoding, validation, linking); the only
    /// line then says why.</summary>
    public bool Rejected { get; private set; }

    public void Add(string line) => _lines.Add(line);

    public void Reject(string why)
    {
        Rejected = true;
        _lines.Add("rejected: " + why);
    }

    /// <summary>The first line where two transcripts differ, with both versions, or null.</summary>
    public static string? FirstDifference(Transcript tessera, Transcript wasmtime)
    {
        int n = Math.Max(tessera._lines.Count, wasmtime._lines.Count);
        for (int i = 0; i < n; i++)
        {
            string? a = i < tessera._lines.Count ? tessera._lines[i] : null;
            string? b = i < wasmtime._lines.Count ? wasmtime._lines[i] : null;
            if (a != b && !(a is not null && b is not null && Observation.SameUpToNaNLanes(a, b)))
                return $"line {i}: tessera \"{a ?? "(end)"}\", wasmtime \"{b ?? "(end)"}\"";
        }
        return null;
    }
}

/// <summary>Trap kinds in one vocabulary: the spec suite's messages. The two engines name some
/// kinds differently (an index past a table's end in <c>call_indirect</c> is Tessera's
/// UndefinedElement and Wasmtime's TableOutOfBounds; the spec calls both "undefined element" or
/// "out of bounds table access" depending on the instruction), so those share a name here.</summary>
internal static class TrapNames
{
    public const string OutOfBoundsTable = "out of bounds table access";

    public static string Of(Tessera.Wasm.Runtime.TrapKind kind) => kind switch
    {
        Tessera.Wasm.Runtime.TrapKind.Unreachable => "unreachable",
        Tessera.Wasm.Runtime.TrapKind.IntegerDivideByZero => "integer divide by zero",
        Tessera.Wasm.Runtime.TrapKind.IntegerOverflow => "integer overflow",
        Tessera.Wasm.Runtime.TrapKind.InvalidConversionToInteger => "invalid conversion to integer",
        Tessera.Wasm.Runtime.TrapKind.MemoryOutOfBounds => "out of bounds memory access",
        Tessera.Wasm.Runtime.TrapKind.TableOutOfBounds or Tessera.Wasm.Runtime.TrapKind.UndefinedElement => OutOfBoundsTable,
        Tessera.Wasm.Runtime.TrapKind.IndirectCallTypeMismatch => "indirect call type mismatch",
        Tessera.Wasm.Runtime.TrapKind.UninitializedElement => "uninitialized element",
        Tessera.Wasm.Runtime.TrapKind.StackExhausted => "call stack exhausted",
        _ => "host error " + kind,
    };

    public static string Of(Wasmtime.TrapCode? code) => code switch
    {
        Wasmtime.TrapCode.Unreachable => "unreachable",
        Wasmtime.TrapCode.IntegerDivisionByZero => "integer divide by zero",
        Wasmtime.TrapCode.IntegerOverflow => "integer overflow",
        Wasmtime.TrapCode.BadConversionToInteger => "invalid conversion to integer",
        Wasmtime.TrapCode.MemoryOutOfBounds => "out of bounds memory access",
        Wasmtime.TrapCode.TableOutOfBounds => OutOfBoundsTable,
        Wasmtime.TrapCode.BadSignature => "indirect call type mismatch",
        Wasmtime.TrapCode.IndirectCallToNull => "uninitialized element",
        Wasmtime.TrapCode.StackOverflow => "call stack exhausted",
        _ => "other " + code,
    };
}
