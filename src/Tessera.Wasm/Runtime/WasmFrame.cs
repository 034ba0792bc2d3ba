namespace Tessera.Wasm.Runtime;

/// <summary>One WebAssembly function on a trap's backtrace, innermost first.</summary>
/// <param name="ModuleName">The module's name from its name section, if it has one.</param>
/// <param name="FunctionIndex">The function's index in its module's function index space.</param>
/// <param name="FunctionName">The function's name from the name section, if it has one.</param>
public sealed record WasmFrame(string? ModuleName, int FunctionIndex, string? FunctionName)
{
    public override string ToString()
    {
        string function = FunctionName is null ? $"func {FunctionIndex}" : $"{FunctionName} (func {FunctionIndex})";
        return ModuleName is null ? function : $"{ModuleName}!{function}";
    }
}
