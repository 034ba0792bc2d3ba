using System.Collections.ObjectModel;
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
        string? moduleName = null;
        var functionNames = new Dictionary<FuncIndex, string>();
        var localNames = new Dictionary<FuncIndex, IReadOnlyDictionary<LocalIndex, string>>();
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
                    moduleName = sub.ReadName();
                    break;
                case 1:
                    ReadNameMap(ref sub, functionNames, static i => new FuncIndex(i));
                    break;
                case 2:
                    {
                        uint count = sub.ReadCount(2);
                        for (uint i = 0; i < count; i++)
                        {
                            var function = new FuncIndex(sub.ReadU32());
                            var map = new Dictionary<LocalIndex, string>();
                            ReadNameMap(ref sub, map, static i => new LocalIndex(i));
                            localNames[function] = new ReadOnlyDictionary<LocalIndex, string>(map);
                        }
                        break;
                    }
            }
            if (id <= 2 && !sub.AtEnd) sub.Fail("name subsection size mismatch");
        }
        return new NameSection(moduleName, new ReadOnlyDictionary<FuncIndex, string>(functionNames), new ReadOnlyDictionary<FuncIndex, IReadOnlyDictionary<LocalIndex, string>>(localNames));
    }

    private static void ReadNameMap<TIndex>(ref WasmReader r, Dictionary<TIndex, string> map, Func<uint, TIndex> index) where TIndex : notnull
    {
        uint count = r.ReadCount(2);
        for (uint i = 0; i < count; i++)
        {
            var key = index(r.ReadU32());
            map[key] = r.ReadName();
        }
    }
}
