namespace Tessera.Wasm.Model;

/// <summary>
/// A constant expression (global initializer, segment offset, element item), kept as its encoded
/// instruction bytes including the final <c>end</c>. The validator checks it and the runtime
/// evaluates it; keeping bytes means the model needs no instruction tree.
/// </summary>
/// <param name="Code">The instructions, ending with <c>end</c> (0x0B).</param>
/// <param name="Offset">Offset of the first byte within the module binary, for error messages.</param>
public readonly record struct ConstExpr(ReadOnlyMemory<byte> Code, int Offset);
