namespace Tessera.Security.Tests.Hostile;

/// <summary>
/// Hand-encoded module binaries (spec section 5, "Binary Format"), for inputs no assembler would
/// write: counts and sizes that lie, bodies of millions of instructions. Each helper returns
/// the bytes it describes and nothing more, so a test reads as the layout it builds.
/// </summary>
internal static class ModuleBytes
{
    public static readonly byte[] Header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

    public static byte[] Leb(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            if (value != 0) b |= 0x80;
            bytes.Add(b);
        }
        while (value != 0);
        return [.. bytes];
    }

    public static byte[] SignedLeb(long value)
    {
        var bytes = new List<byte>();
        while (true)
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            bool done = value == 0 && (b & 0x40) == 0 || value == -1 && (b & 0x40) != 0;
            bytes.Add(done ? b : (byte)(b | 0x80));
            if (done) return [.. bytes];
        }
    }

    public static byte[] Section(byte id, byte[] content) => [id, .. Leb((ulong)content.Length), .. content];

    public static byte[] Vector(params byte[][] items) => [.. Leb((ulong)items.Length), .. items.SelectMany(i => i)];

    /// <summary>A module of one function of type <c>(func (result i32))</c> exported as "f", whose
    /// body is <paramref name="locals"/> (the encoded local declarations) and <paramref name="code"/>
    /// (instructions without the final end).</summary>
    public static byte[] OneFunction(byte[] locals, byte[] code, byte resultType = 0x7f) =>
        OneFunctionOfType([0x60, 0x00, 0x01, resultType], locals, code);

    /// <summary>As <see cref="OneFunction"/>, with the function's type given as its encoding
    /// (<c>0x60</c>, the parameter vector, the result vector).</summary>
    public static byte[] OneFunctionOfType(byte[] type, byte[] locals, byte[] code)
    {
        byte[] body = [.. locals, .. code, 0x0b];
        return
        [
            .. Header,
            .. Section(1, Vector(type)),
            .. Section(3, Vector([0x00])),
            .. Section(7, Vector([.. Vector("f"u8.ToArray()), 0x00, 0x00])),
            .. Section(10, Vector([.. Leb((ulong)body.Length), .. body])),
        ];
    }

    /// <summary>No local declarations.</summary>
    public static readonly byte[] NoLocals = [0x00];

    /// <summary><paramref name="times"/> copies of <paramref name="pattern"/>.</summary>
    public static byte[] Repeat(byte[] pattern, int times)
    {
        var bytes = new byte[pattern.Length * times];
        for (int i = 0; i < times; i++) pattern.CopyTo(bytes, i * pattern.Length);
        return bytes;
    }
}
