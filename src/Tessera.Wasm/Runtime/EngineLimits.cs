using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// How much of the engine one module may claim, checked before the work each limit guards: the
/// module's size before decoding, counts and body sizes after decoding (before validation and
/// compilation), nesting while validating. A module past a limit is a
/// <see cref="WasmLimitException"/>. The defaults are the implementation limits the WebAssembly
/// JavaScript API specification requires of every web engine ("Limits", JS API section 7), so a
/// module that runs in a browser is not refused here; the nesting limit, which that list lacks,
/// is far above what compilers emit.
/// </summary>
public sealed record EngineLimits
{
    /// <summary>Bytes of the module binary (JS API: 1,073,741,824).</summary>
    public long MaxModuleBytes { get => _maxModuleBytes; init => _maxModuleBytes = Positive(value); }
    private readonly long _maxModuleBytes = 1_073_741_824;

    /// <summary>Functions, imported and defined (JS API: 1,000,000).</summary>
    public int MaxFunctions { get => _maxFunctions; init => _maxFunctions = Positive(value); }
    private readonly int _maxFunctions = 1_000_000;

    /// <summary>Bytes of one function body (JS API: 7,654,321).</summary>
    public int MaxFunctionBodyBytes { get => _maxFunctionBodyBytes; init => _maxFunctionBodyBytes = Positive(value); }
    private readonly int _maxFunctionBodyBytes = 7_654_321;

    /// <summary>Locals of one function, parameters included (JS API: 50,000).</summary>
    public int MaxLocals { get => _maxLocals; init => _maxLocals = Positive(value); }
    private readonly int _maxLocals = 50_000;

    /// <summary>Parameters of one function type (JS API: 1,000). A compiled function is a method
    /// with a parameter per WebAssembly parameter, and the runtime's own limits on those are far
    /// above this.</summary>
    public int MaxFunctionParameters { get => _maxFunctionParameters; init => _maxFunctionParameters = Positive(value); }
    private readonly int _maxFunctionParameters = 1_000;

    /// <summary>Results of one function type (JS API: 1,000); results after the first are byref
    /// parameters of the compiled method.</summary>
    public int MaxFunctionResults { get => _maxFunctionResults; init => _maxFunctionResults = Positive(value); }
    private readonly int _maxFunctionResults = 1_000;

    /// <summary>Nested blocks, loops, ifs and trys in one function body.</summary>
    public int MaxNestingDepth { get => _maxNestingDepth; init => _maxNestingDepth = Positive(value); }
    private readonly int _maxNestingDepth = 10_000;

    /// <summary>
    /// Values on one function's operand stack at once. The JS API lists no such limit; this one
    /// keeps a body's operand-stack homes within the 65,535 IL locals a compiled method may have
    /// (its locals and temporaries share that budget, and a body that exhausts it anyway is
    /// refused while compiling). Compilers emit stacks a few dozen values high.
    /// </summary>
    public int MaxOperandStackHeight { get => _maxOperandStackHeight; init => _maxOperandStackHeight = Positive(value); }
    private readonly int _maxOperandStackHeight = 50_000;

    /// <summary>Every limit is at least 1: a zero or negative limit is a configuration error, not a
    /// limit, and would otherwise surface later as an unrelated exception.</summary>
    private static T Positive<T>(T value, [System.Runtime.CompilerServices.CallerMemberName] string? name = null) where T : System.Numerics.INumber<T> =>
        value >= T.One ? value : throw new ArgumentOutOfRangeException(name, value, "an engine limit must be at least 1");

    internal void CheckSize(int bytes)
    {
        if (bytes > MaxModuleBytes) throw new WasmLimitException("module size in bytes", bytes, MaxModuleBytes, "before decoding");
    }

    /// <summary>The limits a decoded module's declarations can be held to, before validation.</summary>
    internal void CheckDeclarations(ModuleDefinition module)
    {
        if (module.TotalFunctionCount > MaxFunctions)
            throw new WasmLimitException("functions", module.TotalFunctionCount, MaxFunctions, "function and import sections");
        for (int i = 0; i < module.Types.Count; i++)
        {
            var type = module.Types[i];
            if (type.Parameters.Length > MaxFunctionParameters)
                throw new WasmLimitException("parameters per function type", type.Parameters.Length, MaxFunctionParameters, $"type {i}");
            if (type.Results.Length > MaxFunctionResults)
                throw new WasmLimitException("results per function type", type.Results.Length, MaxFunctionResults, $"type {i}");
        }
        for (uint i = 0; i < module.Bodies.Count; i++)
        {
            var defined = new DefinedFuncIndex(i);
            var body = module.Body(defined);
            var function = module.ToIndex(defined);
            if (body.BodySize > MaxFunctionBodyBytes)
                throw new WasmLimitException("function body size in bytes", body.BodySize, MaxFunctionBodyBytes, $"function {function} at byte 0x{body.CodeOffset:x}");
            // Parameters count too: they are locals to the compiled code.
            var type = module.FunctionTypeIndex(defined);
            long locals = body.LocalCount + (type.Value < module.Types.Count ? module.Type(type).Parameters.Length : 0);
            if (locals > MaxLocals)
                throw new WasmLimitException("locals per function", locals, MaxLocals, $"function {function} at byte 0x{body.CodeOffset:x}");
        }
    }
}
