namespace Tessera.Wasm.Runtime;

/// <summary>
/// An untyped host function: reads its arguments from <paramref name="args"/> and writes exactly
/// one value of the declared type into each slot of <paramref name="results"/> (the slots arrive
/// typed and zero). Throwing a <see cref="WasmTrap"/> traps the calling WebAssembly code; any other
/// exception propagates to the embedder's outermost call unchanged.
/// </summary>
public delegate void HostCallback(Caller caller, ReadOnlySpan<Value> args, Span<Value> results);
