using Tessera.Wasm.Model;

namespace Tessera.Wasm.Text;

/// <summary>
/// One index space of a text module (types, functions, ..., locals): how many entries it has and
/// which <c>$id</c> names which index. Ids are bound once; a second binding is "duplicate &lt;space&gt;".
/// </summary>
internal sealed class IndexSpace
{
    private readonly Dictionary<string, uint> _ids = new(StringComparer.Ordinal);
    private readonly string _kind;
    private readonly string _unknown;

    /// <param name="kind">The word used in "duplicate ..." errors (func, table, local, ...).</param>
    /// <param name="unknown">The word used in "unknown ..." errors (function, table, local, ...).</param>
    public IndexSpace(string kind, string unknown)
    {
        _kind = kind;
        _unknown = unknown;
    }

    public uint Count { get; private set; }

    /// <summary>Names given to entries, by index (only entries that have an id).</summary>
    public SortedDictionary<uint, string> Names { get; } = new();

    /// <summary>Adds an entry, binding <paramref name="id"/> to it when given.</summary>
    public uint Add(string? id, SExpr at, string? source)
    {
        var index = Count++;
        if (id is not null)
        {
            if (!_ids.TryAdd(id, index)) throw new WatSyntaxException("duplicate " + _kind, at.Position, "$" + id, source);
            Names[index] = id;
        }
        return index;
    }

    /// <summary>Resolves a reference: a u32 index as written, or a bound <c>$id</c>.</summary>
    public uint Resolve(SExpr reference, string? source)
    {
        if (reference is SAtom { Kind: AtomKind.Id } id)
        {
            return _ids.TryGetValue(id.IdName!, out var index)
                ? index
                : throw new WatSyntaxException("unknown " + _unknown, id.Position, id.Text, source);
        }
        return TextValues.U32(reference, source);
    }

    public bool TryLookup(string id, out uint index) => _ids.TryGetValue(id, out index);
}

/// <summary>An import, with the description its kind needs.</summary>
internal sealed record TextImport(string Module, string Name, ExternKind Kind)
{
    public uint TypeIndex { get; init; }
    public TableType Table { get; init; }
    public MemoryType Memory { get; init; }
    public GlobalType Global { get; init; }
}

/// <summary>A defined function: its type and its encoded body (locals and code, no size prefix).</summary>
/// <param name="TypeIndex">The function's type.</param>
/// <param name="Body">The code section entry without its size: locals, then instructions.</param>
/// <param name="CodeStart">Where the instructions start within <paramref name="Body"/>.</param>
/// <param name="Marks">Text positions by offset from <paramref name="CodeStart"/>.</param>
internal sealed record TextFunction(uint TypeIndex, byte[] Body, int CodeStart, IReadOnlyList<SourceMark> Marks);

/// <summary>A defined table, with an initializer expression (encoded, with end) when given.</summary>
internal sealed record TextTable(TableType Type, byte[]? Init);

/// <summary>A defined global: type and encoded initializer.</summary>
internal sealed record TextGlobal(GlobalType Type, byte[] Init);

/// <summary>An export by index.</summary>
internal sealed record TextExport(string Name, ExternKind Kind, uint Index);

/// <summary>An element segment: items are function indices or encoded expressions.</summary>
internal sealed record TextElem(SegmentMode Mode, ValType Type, uint Table, byte[]? Offset, uint[]? Functions, byte[][]? Expressions);

/// <summary>A data segment.</summary>
internal sealed record TextData(SegmentMode Mode, uint Memory, byte[]? Offset, byte[] Bytes);

/// <summary>
/// A text module after parsing and name resolution, ready to be encoded: every entry in its index
/// space order, every reference an index. The assembler's intermediate between text and binary.
/// </summary>
internal sealed class TextModule
{
    public string? Name { get; set; }
    public List<FuncType> Types { get; } = new();
    public List<TextImport> Imports { get; } = new();
    public List<TextFunction> Functions { get; } = new();
    public List<TextTable> Tables { get; } = new();
    public List<MemoryType> Memories { get; } = new();
    public List<uint> Tags { get; } = new();
    public List<TextGlobal> Globals { get; } = new();
    public List<TextExport> Exports { get; } = new();
    public uint? Start { get; set; }
    public List<TextElem> Elems { get; } = new();
    public List<TextData> Data { get; } = new();

    /// <summary>Whether some code uses <c>memory.init</c> or <c>data.drop</c>, which need the data count section.</summary>
    public bool NeedsDataCount { get; set; }

    /// <summary>Function names by function index.</summary>
    public SortedDictionary<uint, string> FunctionNames { get; set; } = new();

    /// <summary>Local names (parameters and locals) by function index, then local index.</summary>
    public SortedDictionary<uint, SortedDictionary<uint, string>> LocalNames { get; } = new();
}
