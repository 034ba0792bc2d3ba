
namespace Tessera.Wasm.Model;

/// <summary>A run of locals of one type, as declared in the code section.</summary>
public readonly record struct LocalDecl(uint Count, ValType Type);

/// <summary>
/// A function body from the code section. Instructions stay encoded: consumers walk them with
/// <c>Binary.InstructionReader</c>, which allocates nothing per instruction.
/// </summary>
/// <param name="Locals">Declared locals (parameters are not included).</param>
/// <param name="Code">The instruction bytes, ending with <c>end</c>.</param>
/// <param name="CodeOffset">Offset of <see cref="Code"/> within the module binary.</param>
/// <param name="BodySize">Size of the whole body entry (locals and code) in bytes.</param>
public sealed record FunctionBody(ReadOnlyValues<LocalDecl> Locals, ReadOnlyMemory<byte> Code, int CodeOffset, int BodySize)
{
    /// <summary>Total number of declared locals; the decoder ensures it fits in 32 bits.</summary>
    public long LocalCount
    {
        get
        {
            long n = 0;
            foreach (var l in Locals) n += l.Count;
            return n;
        }
    }
}
