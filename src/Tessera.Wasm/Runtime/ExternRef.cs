namespace Tessera.Wasm.Runtime;

/// <summary>An externref made from a number, as the spec scripts' <c>ref.extern N</c>.</summary>
public sealed record ExternRef(ulong Payload);
