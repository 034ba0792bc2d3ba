using Tessera.Wasm.Model;

namespace Tessera.Wasm.Binary;

/// <summary>
/// Decodes the <c>name</c> custom section (appendix 7.4.1): module name (0), function names (1),
/// local names (2). Other subsections are skipped. A malformed name section yields null: it is
/// debug information only and must not make a module unusable.
/// </summary>
internal static class NameSectionDecoder
{
    public static NameSection? TryDecode(ReadOnlyMemory<byte> content, int offset)
    {
        try
        {
            return Decode(content.Span, offset);
        }
        catch (WasmFormatException)
        {
            return null;
        }
    }

    private static NameSection Decode(ReadOnlySpan<byte> content, int offset)
    {
        var names = new NameSection();
        var r = new WasmReader(content, offset);
        int lastId = -1;
        while (!r.AtEnd)
        {
            byte id = r.ReadByte();
            if (id <= lastId) r.Fail("name subsections out of order");
            lastId = id;
            uint size = r.ReadU32();
            var sub = r.Slice(checked((int)Math.Min(size, int.MaxValue)));
            switch (id)
            {
                case 0:
                    names.ModuleName = sub.ReadName();
                    break;
                case 1:
                    ReadNameMap(ref sub, names.FunctionNames);
                    break;
                case 2:
                    {
                        uint count = sub.ReadCount(2);
                        for (uint i = 0; i < count; i++)
                        {
                            uint function = sub.ReadU32();
                            var map = new Dictionary<uint, string>();
                            ReadNameMap(ref sub, map);
                            names.LocalNames[function] = map;
                        }
                        break;
                    }
            }
            if (id <= 2 && !sub.AtEnd) sub.Fail("name subsection size mismatch");
        }
        return names;
    }

    private static void ReadNameMap(ref WasmReader r, Dictionary<uint, string> map)
    {
        uint count = r.ReadCount(2);
        for (uint i = 0; i < count; i++)
        {
            uint index = r.ReadU32();
            map[index] = r.ReadName();
        }
    }
}
