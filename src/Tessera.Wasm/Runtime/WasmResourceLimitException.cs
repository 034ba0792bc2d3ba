namespace Tessera.Wasm.Runtime;

/// <summary>An instance cannot be created: its memories or tables exceed its store's
/// <see cref="StoreLimits"/>, or the host refused the memory (address space or memory exhausted).</summary>
public sealed class WasmResourceLimitException : WasmException
{
    public WasmResourceLimitException(string rule, string detail) : base($"{rule}: {detail}") => Rule = rule;

    public override string Rule { get; }
}
