namespace Tessera.Wasm.Tests.Text;

/// <summary>Splits a module binary into its sections, enough to drop or find one.</summary>
internal static class WasmSections
{
    /// <summary>The module without its custom <c>name</c> section (wabt writes none unless asked).</summary>
    public static byte[] WithoutNameSection(byte[] wasm)
    {
        var result = new List<byte>(wasm[..8]);
        foreach (var (id, start, contentStart, end) in Sections(wasm))
        {
            var isName = id == 0 && wasm[contentStart] == 4 && wasm.AsSpan(contentStart + 1, 4).SequenceEqual("name"u8);
            if (!isName) result.AddRange(wasm[start..end]);
        }
        return [.. result];
    }

    /// <summary>Each section's id, start offset, content offset and end offset.</summary>
    public static IEnumerable<(byte Id, int Start, int ContentStart, int End)> Sections(byte[] wasm)
    {
        var i = 8;
        while (i < wasm.Length)
        {
            var start = i;
            var id = wasm[i++];
            uint size = 0;
            var shift = 0;
            byte b;
            do
            {
                b = wasm[i++];
                size |= (uint)(b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            yield return (id, start, i, i + (int)size);
            i += (int)size;
        }
    }
}
