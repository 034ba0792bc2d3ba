using Tessera.Wasm.Model;

namespace Tessera.Wasm.Text;

/// <summary>
/// Turns a <c>(module ...)</c> S-expression into a <see cref="TextModule"/> (spec 6.6, modules):
/// expands the abbreviations (inline imports and exports, inline element and data segments),
/// resolves every <c>$id</c> and creates the implicit function types of type uses.
/// </summary>
/// <remarks>
/// Three passes over the fields. Pass 1 binds ids in every index space and checks that imports
/// precede definitions, so references may point forward. Pass 2 reads the explicit type
/// definitions, because a type use without <c>(type x)</c> takes the first matching type of the
/// whole module. Pass 3 reads the other fields in text order; type uses that match no type append
/// one, in order of appearance (a function's signature before the types used in its body), which
/// is also the order wabt produces.
/// </remarks>
internal sealed partial class ModuleParser
{
    private readonly string? _source;
    private readonly TextModule _module = new();
    private readonly List<FieldInfo> _fields = new();
    private readonly IndexSpace _types = new("type", "type");
    private readonly IndexSpace _funcs = new("func", "function");
    private readonly IndexSpace _tables = new("table", "table");
    private readonly IndexSpace _memories = new("memory", "memory");
    private readonly IndexSpace _globals = new("global", "global");
    private readonly IndexSpace _tags = new("tag", "tag");
    private readonly IndexSpace _elems = new("elem", "elem segment");
    private readonly IndexSpace _datas = new("data", "data segment");
    /// <summary>Whether each memory (by index) is a 64-bit memory, known after pass 1.</summary>
    private readonly List<bool> _memory64 = new();
    /// <summary>Whether each table (by index) is a 64-bit table, known after pass 1.</summary>
    private readonly List<bool> _table64 = new();
    private int _explicitTypes;

    private ModuleParser(string? source, WatVersion version)
    {
        _source = source;
        Version = version;
    }

    internal string? Source => _source;
    internal WatVersion Version { get; }
    internal TextModule Module => _module;
    internal IndexSpace Types => _types;
    internal IndexSpace Funcs => _funcs;
    internal IndexSpace Tables => _tables;
    internal IndexSpace Memories => _memories;
    internal IndexSpace Globals => _globals;
    internal IndexSpace Tags => _tags;
    internal IndexSpace Elems => _elems;
    internal IndexSpace Datas => _datas;

    /// <summary>Whether memory <paramref name="index"/> has 64-bit addresses (false when it does not exist).</summary>
    internal bool IsMemory64(uint index) => index < (uint)_memory64.Count && _memory64[(int)index];

    /// <summary>Whether table <paramref name="index"/> has 64-bit indices (false when it does not exist).</summary>
    internal bool IsTable64(uint index) => index < (uint)_table64.Count && _table64[(int)index];

    /// <summary>Parses <c>(module $id? field*)</c>.</summary>
    public static TextModule Parse(SList module, string? source, WatVersion version)
    {
        var parser = new ModuleParser(source, version);
        var c = new SCursor(module, source);
        if (!c.TryKeyword("module")) throw c.Unexpected();
        parser._module.Name = c.TryId();
        var fields = new List<SList>();
        while (!c.AtEnd)
        {
            var e = c.Next();
            fields.Add(e as SList ?? throw SCursor.Unexpected(e, source));
        }
        parser.ParseFields(fields);
        return parser._module;
    }

    /// <summary>Parses a sequence of module fields (a module without its <c>(module ...)</c> wrapper).</summary>
    public static TextModule ParseFields(IReadOnlyList<SList> fields, string? source, WatVersion version)
    {
        var parser = new ModuleParser(source, version);
        parser.ParseFields(fields);
        return parser._module;
    }

    private sealed record FieldInfo(SList List, string Kind, uint Index, bool IsImport, uint ExtraIndex);

    private void ParseFields(IReadOnlyList<SList> fields)
    {
        foreach (var field in fields) Bind(field);
        foreach (var f in _fields)
        {
            if (f.Kind == "type") TypeField(f.List);
        }
        _explicitTypes = _module.Types.Count;
        foreach (var f in _fields)
        {
            switch (f.Kind)
            {
                case "type": break;
                case "import": ImportField(f); break;
                case "func": FuncField(f); break;
                case "table": TableField(f); break;
                case "memory": MemoryField(f); break;
                case "global": GlobalField(f); break;
                case "tag": TagField(f); break;
                case "export": ExportField(f.List); break;
                case "start": StartField(f.List); break;
                case "elem": ElemField(f); break;
                case "data": DataField(f); break;
            }
        }
        _module.FunctionNames = _funcs.Names;
    }

    // ---- Pass 1: ids, index assignment, import order -------------------------------------

    private string? _firstDefinition;

    private void Bind(SList field)
    {
        var head = field.Head;
        var c = new SCursor(field, _source, 1);
        switch (head)
        {
            case "type":
                _types.Add(c.TryId(), field, _source);
                _fields.Add(new FieldInfo(field, "type", 0, false, 0));
                return;
            case "rec":
                throw Unsupported("gc", field, "recursive type groups");
            case "import":
                {
                    c.ExpectName();
                    c.ExpectName();
                    var desc = c.ExpectList();
                    var kind = desc.Head ?? throw SCursor.Unexpected(desc, _source);
                    var dc = new SCursor(desc, _source, 1);
                    var id = dc.TryId();
                    var index = BindEntity(kind, id, desc, isImport: true, dc);
                    _fields.Add(new FieldInfo(field, "import", index, true, 0));
                    return;
                }
            case "func" or "table" or "memory" or "global" or "tag":
                {
                    var id = c.TryId();
                    while (c.PeekList("export")) c.Next();
                    var isImport = c.PeekList("import");
                    if (isImport) c.Next();
                    var index = BindEntity(head, id, field, isImport, c);
                    uint extra = 0;
                    if (!isImport && head == "table" && HasInlineSegment(c, "elem")) extra = _elems.Add(null, field, _source);
                    if (!isImport && head == "memory" && HasInlineSegment(c, "data")) extra = _datas.Add(null, field, _source);
                    _fields.Add(new FieldInfo(field, head, index, isImport, extra));
                    return;
                }
            case "elem":
                _fields.Add(new FieldInfo(field, "elem", _elems.Add(c.TryId(), field, _source), false, 0));
                return;
            case "data":
                _fields.Add(new FieldInfo(field, "data", _datas.Add(c.TryId(), field, _source), false, 0));
                return;
            case "export" or "start":
                _fields.Add(new FieldInfo(field, head, 0, false, 0));
                return;
            default:
                throw field.Items.Count == 0 ? new SCursor(field, _source).UnexpectedEnd() : SCursor.Unexpected(field.Items[0], _source);
        }
    }

    /// <summary>Adds a function, table, memory, global or tag to its index space; <paramref name="c"/>
    /// is positioned after the id, exports and import, where an address type may follow.</summary>
    private uint BindEntity(string kind, string? id, SList at, bool isImport, SCursor c)
    {
        if (isImport && _firstDefinition is not null) throw new WatSyntaxException("import after " + _firstDefinition, at.Position, null, _source);
        if (!isImport) _firstDefinition ??= kind == "func" ? "function" : kind;
        switch (kind)
        {
            case "func": return _funcs.Add(id, at, _source);
            case "table":
                _table64.Add(c.PeekKeyword("i64"));
                return _tables.Add(id, at, _source);
            case "memory":
                _memory64.Add(c.PeekKeyword("i64"));
                return _memories.Add(id, at, _source);
            case "global": return _globals.Add(id, at, _source);
            case "tag": return _tags.Add(id, at, _source);
            default: throw SCursor.Unexpected(at.Items[0], _source);
        }
    }

    /// <summary>Whether a table or memory field has an inline <c>(elem ...)</c> or <c>(data ...)</c>
    /// after its optional address type and (for tables) reference type.</summary>
    private static bool HasInlineSegment(SCursor c, string head)
    {
        for (var i = 0; c.Peek(i) is { } e; i++)
        {
            if (e is SList l && l.Head == head) return true;
        }
        return false;
    }

    // ---- Pass 3: fields ---------------------------------------------------------------------

    private void ImportField(FieldInfo f)
    {
        var c = new SCursor(f.List, _source, 1);
        var moduleName = c.ExpectName();
        var name = c.ExpectName();
        var desc = c.ExpectList();
        c.ExpectEnd();
        var dc = new SCursor(desc, _source, 1);
        dc.TryId();
        ImportDescription(desc.Head!, moduleName, name, dc, f.Index, desc);
    }

    /// <summary>Reads what follows the id (and inline exports/import) of an imported entity.</summary>
    private void ImportDescription(string kind, string moduleName, string name, SCursor c, uint index, SList at)
    {
        TextImport import;
        switch (kind)
        {
            case "func":
                {
                    var type = TypeUse(c, TypeUseContext.Import, out var paramIds);
                    RecordParamNames(index, paramIds);
                    import = new TextImport(moduleName, name, ExternKind.Func) { TypeIndex = type };
                    break;
                }
            case "tag":
                import = new TextImport(moduleName, name, ExternKind.Tag) { TypeIndex = TypeUse(c, TypeUseContext.Import, out _) };
                break;
            case "table":
                import = new TextImport(moduleName, name, ExternKind.Table) { Table = TableType(c) };
                break;
            case "memory":
                import = new TextImport(moduleName, name, ExternKind.Memory) { Memory = MemoryType(c) };
                break;
            case "global":
                import = new TextImport(moduleName, name, ExternKind.Global) { Global = GlobalType(c.Next()) };
                break;
            default:
                throw SCursor.Unexpected(at.Items[0], _source);
        }
        c.ExpectEnd();
        _module.Imports.Add(import);
    }

    /// <summary>Opens a function, table, memory, global or tag field and reads its id and inline
    /// exports. Returns the cursor at the definition, or null when the field was an inline import,
    /// which this has read completely.</summary>
    private SCursor? OpenDefinition(FieldInfo f, ExternKind kind)
    {
        var c = new SCursor(f.List, _source, 1);
        c.TryId();
        InlineExports(c, kind, f.Index);
        if (InlineImport(c) is not var (moduleName, name)) return c;
        ImportDescription(f.Kind, moduleName, name, c, f.Index, f.List);
        return null;
    }

    /// <summary>Reads inline <c>(export "name")</c> abbreviations and adds the exports.</summary>
    private void InlineExports(SCursor c, ExternKind kind, uint index)
    {
        while (c.TryList("export", out var export))
        {
            var ec = new SCursor(export, _source, 1);
            var name = ec.ExpectName();
            ec.ExpectEnd();
            _module.Exports.Add(new TextExport(name, kind, index));
        }
    }

    /// <summary>Reads an inline <c>(import "module" "name")</c>, if present.</summary>
    private (string Module, string Name)? InlineImport(SCursor c)
    {
        if (!c.TryList("import", out var import)) return null;
        var ic = new SCursor(import, _source, 1);
        var moduleName = ic.ExpectName();
        var name = ic.ExpectName();
        ic.ExpectEnd();
        return (moduleName, name);
    }

    private void FuncField(FieldInfo f)
    {
        if (OpenDefinition(f, ExternKind.Func) is not { } c) return;
        var typeIndex = TypeUse(c, TypeUseContext.Function, out var paramIds);
        var locals = new IndexSpace("local", "local");
        foreach (var id in paramIds) locals.Add(id, f.List, _source);
        var declared = new List<Model.ValType>();
        while (c.TryList("local", out var local))
        {
            var lc = new SCursor(local, _source, 1);
            if (lc.TryId() is { } id)
            {
                declared.Add(ValType(lc.Next()));
                locals.Add(id, local, _source);
                lc.ExpectEnd();
                continue;
            }
            while (!lc.AtEnd)
            {
                declared.Add(ValType(lc.Next()));
                locals.Add(null, local, _source);
            }
        }
        var body = new InstructionParser(this, locals);
        var code = body.Body(c);
        var encoded = EncodeBody(declared, code);
        // The function itself marks offset 0, so an error before its first instruction still has a place.
        var marks = new List<SourceMark>(body.Marks.Count + 1) { new(0, c.List.Position) };
        marks.AddRange(body.Marks);
        _module.Functions.Add(new TextFunction(typeIndex, encoded, encoded.Length - code.Length, marks));
        if (locals.Names.Count > 0) _module.LocalNames[f.Index] = locals.Names;
    }

    private void RecordParamNames(uint funcIndex, List<string?> paramIds)
    {
        var names = new SortedDictionary<uint, string>();
        for (var i = 0; i < paramIds.Count; i++)
        {
            if (paramIds[i] is { } id) names[(uint)i] = id;
        }
        if (names.Count > 0) _module.LocalNames[funcIndex] = names;
    }

    private static byte[] EncodeBody(List<Model.ValType> locals, byte[] code)
    {
        // Consecutive locals of one type share a (count, type) entry.
        var w = new Binary.WasmWriter();
        var runs = new List<(uint Count, Model.ValType Type)>();
        foreach (var t in locals)
        {
            if (runs.Count > 0 && runs[^1].Type == t) runs[^1] = (runs[^1].Count + 1, t);
            else runs.Add((1, t));
        }
        w.U32((uint)runs.Count);
        foreach (var (count, type) in runs)
        {
            w.U32(count);
            w.ValType(type);
        }
        w.Bytes(code);
        return w.ToArray();
    }

    private void TableField(FieldInfo f)
    {
        if (OpenDefinition(f, ExternKind.Table) is not { } c) return;
        var is64 = c.TryKeyword("i64");
        if (c.Peek() is { } next && IsRefTypeStart(next))
        {
            // (table i64? reftype (elem ...)): limits from the number of items.
            var type = ValType(c.Next());
            var elem = c.ExpectList();
            if (elem.Head != "elem") throw SCursor.Unexpected(elem, _source);
            c.ExpectEnd();
            var ec = new SCursor(elem, _source, 1);
            var (functions, expressions) = InlineElemList(ec, type);
            var count = (ulong)(functions?.Length ?? expressions!.Length);
            _module.Tables.Add(new TextTable(new TableType(type, new Limits(count, count, is64)), null));
            var offset = ConstOffset(is64, 0);
            _module.Elems.Add(new TextElem(SegmentMode.Active, type, f.Index, offset, functions, expressions));
            return;
        }
        var limits = Limits(c, is64);
        var elemType = ValType(c.Next());
        byte[]? init = null;
        if (!c.AtEnd) init = new InstructionParser(this).ConstExpr(c);
        _module.Tables.Add(new TextTable(new TableType(elemType, limits), init));
    }

    private void MemoryField(FieldInfo f)
    {
        if (f.List.Items.FirstOrDefault(e => e is SList { Head: "pagesize" }) is { } pagesize) throw Unsupported("custom-page-sizes", pagesize, "pagesize");
        if (OpenDefinition(f, ExternKind.Memory) is not { } c) return;
        if (c.Peek(c.PeekKeyword("i64") ? 1 : 0) is SList { Head: "data" })
        {
            // (memory i64? (data "...")): as many pages as the bytes need, min = max.
            var is64 = c.TryKeyword("i64");
            var data = c.ExpectList();
            c.ExpectEnd();
            var dc = new SCursor(data, _source, 1);
            var bytes = Strings(dc);
            var pages = ((ulong)bytes.Length + 0xFFFF) / 0x10000;
            _module.Memories.Add(new MemoryType(new Limits(pages, pages, is64)));
            _module.Data.Add(new TextData(SegmentMode.Active, f.Index, ConstOffset(is64, 0), bytes));
            return;
        }
        _module.Memories.Add(MemoryType(c));
        c.ExpectEnd();
    }

    private void GlobalField(FieldInfo f)
    {
        if (OpenDefinition(f, ExternKind.Global) is not { } c) return;
        var type = GlobalType(c.Next());
        var init = new InstructionParser(this).ConstExpr(c);
        _module.Globals.Add(new TextGlobal(type, init));
    }

    private void TagField(FieldInfo f)
    {
        if (OpenDefinition(f, ExternKind.Tag) is not { } c) return;
        _module.Tags.Add(TypeUse(c, TypeUseContext.Import, out _));
        c.ExpectEnd();
    }

    private void ExportField(SList field)
    {
        var c = new SCursor(field, _source, 1);
        var name = c.ExpectName();
        var desc = c.ExpectList();
        c.ExpectEnd();
        var (kind, space) = desc.Head switch
        {
            "func" => (ExternKind.Func, _funcs),
            "table" => (ExternKind.Table, _tables),
            "memory" => (ExternKind.Memory, _memories),
            "global" => (ExternKind.Global, _globals),
            "tag" => (ExternKind.Tag, _tags),
            _ => throw SCursor.Unexpected(desc, _source),
        };
        _module.Exports.Add(new TextExport(name, kind, IndexUse(desc, space)));
    }

    private void StartField(SList field)
    {
        var index = IndexUse(field, _funcs);
        if (_module.Start is not null) throw new WatSyntaxException("multiple start sections", field.Position, null, _source);
        _module.Start = index;
    }

    private void ElemField(FieldInfo f)
    {
        var c = new SCursor(f.List, _source, 1);
        c.TryId();
        if (c.TryKeyword("declare"))
        {
            var (fs, es, t) = ElemList(c, allowBareIndices: false);
            _module.Elems.Add(new TextElem(SegmentMode.Declarative, t, 0, null, fs, es));
            return;
        }
        var (table, offset) = SegmentPlacement(c, "table", _tables, static l => !IsElemListStart(l));
        var active = offset is not null;
        var (functions, expressions, type) = ElemList(c, allowBareIndices: active);
        _module.Elems.Add(new TextElem(active ? SegmentMode.Active : SegmentMode.Passive, type, table, offset, functions, expressions));
    }

    private static bool IsElemListStart(SList l) => l.Head is "ref" or "item";

    private void DataField(FieldInfo f)
    {
        var c = new SCursor(f.List, _source, 1);
        c.TryId();
        var (memory, offset) = SegmentPlacement(c, "memory", _memories, static _ => true);
        var bytes = Strings(c);
        _module.Data.Add(new TextData(offset is not null ? SegmentMode.Active : SegmentMode.Passive, memory, offset, bytes));
    }

    /// <summary>
    /// Reads where an element or data segment goes: a use <c>(table x)</c> or <c>(memory x)</c>, or
    /// in the legacy form a bare index, then the offset: <c>(offset instr*)</c> or one folded
    /// instruction that <paramref name="isOffset"/> accepts. A segment without an offset is passive
    /// (index 0, offset null); one with a use but no offset is an error.
    /// </summary>
    private (uint Index, byte[]? Offset) SegmentPlacement(SCursor c, string useHead, IndexSpace space, Func<SList, bool> isOffset)
    {
        uint index = 0;
        var hasUse = false;
        if (c.TryList(useHead, out var use))
        {
            index = IndexUse(use, space);
            hasUse = true;
        }
        else if (c.Peek() is SAtom { Kind: AtomKind.Id or AtomKind.Number } && c.Peek(1) is SList)
        {
            // Legacy form: (elem x (offset ...) ...) or (data x (offset ...) ...) with a bare index.
            index = space.Resolve(c.Next(), _source);
            hasUse = true;
        }
        if (c.TryList("offset", out var offsetList)) return (index, new InstructionParser(this).ConstExpr(new SCursor(offsetList, _source, 1)));
        if (c.Peek() is SList l && isOffset(l))
        {
            var offset = new InstructionParser(this).FoldedConstExpr(l);
            c.Next();
            return (index, offset);
        }
        return hasUse ? throw c.Unexpected() : (index, null);
    }

    /// <summary>Resolves the one index of <c>(head x)</c> in <paramref name="space"/>.</summary>
    private uint IndexUse(SList use, IndexSpace space)
    {
        var c = new SCursor(use, _source, 1);
        var index = space.Resolve(c.Next(), _source);
        c.ExpectEnd();
        return index;
    }

    /// <summary>Concatenates the strings up to the end of the list.</summary>
    private static byte[] Strings(SCursor c)
    {
        var bytes = new List<byte>();
        while (!c.AtEnd) bytes.AddRange(c.ExpectString());
        return bytes.ToArray();
    }

    /// <summary>Reads an element list: <c>func x*</c>, <c>reftype elemexpr*</c>, or (in active
    /// segments without a table use) bare function indices.</summary>
    private (uint[]? Functions, byte[][]? Expressions, ValType Type) ElemList(SCursor c, bool allowBareIndices)
    {
        if (c.TryKeyword("func") || (allowBareIndices && (c.AtEnd || c.Peek() is SAtom { Kind: AtomKind.Id or AtomKind.Number })))
        {
            var functions = new List<uint>();
            while (!c.AtEnd) functions.Add(_funcs.Resolve(c.Next(), _source));
            return ([.. functions], null, Model.ValType.FuncRef);
        }
        var type = ValType(c.Next());
        var (fs, es) = ElemExpressions(c, type);
        return (fs, es, type);
    }

    /// <summary>The items of an inline <c>(elem ...)</c> in a table: bare indices or expressions.</summary>
    private (uint[]? Functions, byte[][]? Expressions) InlineElemList(SCursor c, ValType type)
    {
        if (c.AtEnd || c.Peek() is SAtom)
        {
            var functions = new List<uint>();
            while (!c.AtEnd) functions.Add(_funcs.Resolve(c.Next(), _source));
            return ([.. functions], null);
        }
        return ElemExpressions(c, type);
    }

    /// <summary>Reads <c>(item expr)</c> or single folded instructions. When the type is funcref and
    /// every item is <c>ref.func x</c>, the items become function indices (the compact encoding).</summary>
    private (uint[]? Functions, byte[][]? Expressions) ElemExpressions(SCursor c, ValType type)
    {
        var expressions = new List<byte[]>();
        var functions = new List<uint>();
        var allFunctions = type == Model.ValType.FuncRef;
        while (!c.AtEnd)
        {
            var item = c.ExpectList();
            var parser = new InstructionParser(this);
            var expr = item.Head == "item" ? parser.ConstExpr(new SCursor(item, _source, 1)) : parser.FoldedConstExpr(item);
            expressions.Add(expr);
            if (allFunctions && parser.SingleRefFunc is { } f) functions.Add(f);
            else allFunctions = false;
        }
        return allFunctions ? ([.. functions], null) : (null, [.. expressions]);
    }

    /// <summary>The constant offset 0 of an inline segment: <c>i32.const 0</c> or <c>i64.const 0</c>, then end.</summary>
    private static byte[] ConstOffset(bool is64, byte value) => [is64 ? (byte)0x42 : (byte)0x41, value, 0x0B];

    internal WasmUnsupportedFeatureException Unsupported(string feature, SExpr at, string what) =>
        new(feature, $"{what} at {(_source is null ? "" : _source + ":")}{at.Position}");
}
