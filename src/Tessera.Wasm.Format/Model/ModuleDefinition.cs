using System.Diagnostics.CodeAnalysis;

namespace Tessera.Wasm.Model;

/// <summary>
/// The static description of a module as decoded from its binary (or assembled from its text):
/// every section, in the index spaces the specification defines. It is not yet validated; pass
/// it to <c>Validation.ModuleValidator</c>. Function bodies and constant expressions stay as
/// slices of <see cref="Bytes"/>. It cannot be changed once decoded: every list is read-only and
/// there are no setters.
/// </summary>
/// <remarks>
/// <para>Index spaces put imports first (spec 2.5.1): function index <c>i</c> is the i-th function
/// import when <c>i &lt; ImportedFunctionCount</c>, else defined function
/// <c>i - ImportedFunctionCount</c>, and likewise for tables, memories, globals and tags. The typed
/// accessors (<see cref="FunctionType(FuncIndex)"/>, <see cref="TableType"/>, ...) do that
/// arithmetic; the lists (<see cref="Functions"/>, <see cref="Tables"/>, ...) hold only the
/// module's own definitions, by <see cref="DefinedFuncIndex"/> and friends. The two kinds of index
/// convert only through <see cref="ToIndex(DefinedFuncIndex)"/> and
/// <see cref="TryGetDefined(FuncIndex, out DefinedFuncIndex)"/> and their overloads.</para>
/// <para>An accessor given an index outside its space throws <see cref="ArgumentOutOfRangeException"/>
/// naming the space and its size. A valid module never does that: the validator checks every
/// index the module holds.</para>
/// </remarks>
public sealed class ModuleDefinition
{
    private readonly FuncType[] _types;
    private readonly TypeIndex[] _functions;
    private readonly TableType[] _tables;
    private readonly MemoryType[] _memories;
    private readonly GlobalDefinition[] _globals;
    private readonly TagType[] _tags;
    private readonly FunctionBody[] _bodies;
    private readonly ElementSegment[] _elements;
    private readonly DataSegment[] _data;
    // What each import of a kind declares, in import order: the imported part of each index space,
    // so an accessor is one array read and never a scan of the import list.
    private readonly TypeIndex[] _importedFunctions;
    private readonly TableType[] _importedTables;
    private readonly MemoryType[] _importedMemories;
    private readonly GlobalType[] _importedGlobals;
    private readonly TypeIndex[] _importedTags;

    internal ModuleDefinition(ModuleDefinitionBuilder b)
    {
        Bytes = b.Bytes;
        _types = [.. b.Types];
        // Clone, not a collection expression: Array.Clone is not generic, so copying an array of
        // structs JIT-compiles nothing at start-up.
        _functions = (TypeIndex[])b.Functions.Clone();
        _tables = (TableType[])b.Tables.Clone();
        _memories = (MemoryType[])b.Memories.Clone();
        _globals = [.. b.Globals];
        _tags = (TagType[])b.Tags.Clone();
        _bodies = [.. b.Bodies];
        _elements = [.. b.Elements];
        _data = [.. b.Data];
        var imports = b.Imports.ToArray();
        int functions = 0, tables = 0, memories = 0, globals = 0, tags = 0;
        foreach (var import in imports)
        {
            switch (import.Kind)
            {
                case ExternKind.Func: functions++; break;
                case ExternKind.Table: tables++; break;
                case ExternKind.Memory: memories++; break;
                case ExternKind.Global: globals++; break;
                case ExternKind.Tag: tags++; break;
            }
        }
        _importedFunctions = new TypeIndex[functions];
        _importedTables = new TableType[tables];
        _importedMemories = new MemoryType[memories];
        _importedGlobals = new GlobalType[globals];
        _importedTags = new TypeIndex[tags];
        functions = tables = memories = globals = tags = 0;
        foreach (var import in imports)
        {
            switch (import.Kind)
            {
                case ExternKind.Func: _importedFunctions[functions++] = import.FunctionType; break;
                case ExternKind.Table: _importedTables[tables++] = import.Table; break;
                case ExternKind.Memory: _importedMemories[memories++] = import.Memory; break;
                case ExternKind.Global: _importedGlobals[globals++] = import.Global; break;
                case ExternKind.Tag: _importedTags[tags++] = import.FunctionType; break;
            }
        }
        Types = new ReadOnlyArray<FuncType>(_types);
        Imports = new ReadOnlyArray<Import>(imports);
        Functions = new ReadOnlyArray<TypeIndex>(_functions);
        Tables = new ReadOnlyArray<TableType>(_tables);
        Memories = new ReadOnlyArray<MemoryType>(_memories);
        Globals = new ReadOnlyArray<GlobalDefinition>(_globals);
        Tags = new ReadOnlyArray<TagType>(_tags);
        Exports = new ReadOnlyArray<Export>(b.Exports.ToArray());
        Start = b.Start;
        Elements = new ReadOnlyArray<ElementSegment>(_elements);
        DataCount = b.DataCount;
        Bodies = new ReadOnlyArray<FunctionBody>(_bodies);
        Data = new ReadOnlyArray<DataSegment>(_data);
        Names = b.Names;
        CustomSections = new ReadOnlyArray<CustomSection>(b.CustomSections.ToArray());
    }

    /// <summary>The whole module binary this definition was decoded from.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The type section, by <see cref="TypeIndex"/> (<see cref="Type"/>).</summary>
    public IReadOnlyList<FuncType> Types { get; }
    /// <summary>The import section, in order; each import is also the next entry of its kind's index space.</summary>
    public IReadOnlyList<Import> Imports { get; }
    /// <summary>Type of each defined function (function section), by <see cref="DefinedFuncIndex"/>.</summary>
    public IReadOnlyList<TypeIndex> Functions { get; }
    /// <summary>Defined tables, by <see cref="DefinedTableIndex"/>.</summary>
    public IReadOnlyList<TableType> Tables { get; }
    /// <summary>Defined memories, by <see cref="DefinedMemoryIndex"/>.</summary>
    public IReadOnlyList<MemoryType> Memories { get; }
    /// <summary>Defined globals, by <see cref="DefinedGlobalIndex"/>.</summary>
    public IReadOnlyList<GlobalDefinition> Globals { get; }
    /// <summary>Defined tags, by <see cref="DefinedTagIndex"/>.</summary>
    public IReadOnlyList<TagType> Tags { get; }
    /// <summary>The export section, in order.</summary>
    public IReadOnlyList<Export> Exports { get; }
    /// <summary>The start function, when the module has a start section.</summary>
    public FuncIndex? Start { get; }
    /// <summary>The element section, by <see cref="ElemIndex"/>.</summary>
    public IReadOnlyList<ElementSegment> Elements { get; }
    /// <summary>The data count section's value, when present.</summary>
    public uint? DataCount { get; }
    /// <summary>The code section: the body of each defined function, by <see cref="DefinedFuncIndex"/>.</summary>
    public IReadOnlyList<FunctionBody> Bodies { get; }
    /// <summary>The data section, by <see cref="DataIndex"/>.</summary>
    public IReadOnlyList<DataSegment> Data { get; }
    /// <summary>The <c>name</c> section, when present and well-formed.</summary>
    public NameSection? Names { get; }
    /// <summary>Every custom section but a decoded <c>name</c> section, in order.</summary>
    public IReadOnlyList<CustomSection> CustomSections { get; }

    public int ImportedFunctionCount => _importedFunctions.Length;
    public int ImportedTableCount => _importedTables.Length;
    public int ImportedMemoryCount => _importedMemories.Length;
    public int ImportedGlobalCount => _importedGlobals.Length;
    public int ImportedTagCount => _importedTags.Length;

    public int TotalFunctionCount => _importedFunctions.Length + _functions.Length;
    public int TotalTableCount => _importedTables.Length + _tables.Length;
    public int TotalMemoryCount => _importedMemories.Length + _memories.Length;
    public int TotalGlobalCount => _importedGlobals.Length + _globals.Length;
    public int TotalTagCount => _importedTags.Length + _tags.Length;

    /// <summary>Type <paramref name="index"/> of the type section.</summary>
    public FuncType Type(TypeIndex index)
    {
        if (index.Value >= (uint)_types.Length) OutOfRange(nameof(index), index, "type", _types.Length, 0);
        return _types[index.Value];
    }

    /// <summary>The type index of function <paramref name="index"/>, imported or defined.</summary>
    public TypeIndex FunctionTypeIndex(FuncIndex index)
    {
        uint imported = (uint)_importedFunctions.Length;
        if (index.Value < imported) return _importedFunctions[index.Value];
        if (index.Value - imported >= (uint)_functions.Length) OutOfRange(nameof(index), index, "function", TotalFunctionCount, _importedFunctions.Length);
        return _functions[index.Value - imported];
    }

    /// <summary>The type index of defined function <paramref name="index"/>.</summary>
    public TypeIndex FunctionTypeIndex(DefinedFuncIndex index)
    {
        if (index.Value >= (uint)_functions.Length) OutOfRange(nameof(index), index, "defined function", _functions.Length, 0);
        return _functions[index.Value];
    }

    /// <summary>The type of function <paramref name="index"/>, imported or defined.</summary>
    public FuncType FunctionType(FuncIndex index) => Type(FunctionTypeIndex(index));

    /// <summary>The type of defined function <paramref name="index"/>.</summary>
    public FuncType FunctionType(DefinedFuncIndex index) => Type(FunctionTypeIndex(index));

    /// <summary>The body of defined function <paramref name="index"/> (code section).</summary>
    public FunctionBody Body(DefinedFuncIndex index)
    {
        if (index.Value >= (uint)_bodies.Length) OutOfRange(nameof(index), index, "function body", _bodies.Length, 0);
        return _bodies[index.Value];
    }

    public TableType TableType(TableIndex index)
    {
        uint imported = (uint)_importedTables.Length;
        if (index.Value < imported) return _importedTables[index.Value];
        if (index.Value - imported >= (uint)_tables.Length) OutOfRange(nameof(index), index, "table", TotalTableCount, _importedTables.Length);
        return _tables[index.Value - imported];
    }

    public MemoryType MemoryType(MemoryIndex index)
    {
        uint imported = (uint)_importedMemories.Length;
        if (index.Value < imported) return _importedMemories[index.Value];
        if (index.Value - imported >= (uint)_memories.Length) OutOfRange(nameof(index), index, "memory", TotalMemoryCount, _importedMemories.Length);
        return _memories[index.Value - imported];
    }

    public GlobalType GlobalType(GlobalIndex index)
    {
        uint imported = (uint)_importedGlobals.Length;
        if (index.Value < imported) return _importedGlobals[index.Value];
        if (index.Value - imported >= (uint)_globals.Length) OutOfRange(nameof(index), index, "global", TotalGlobalCount, _importedGlobals.Length);
        return _globals[index.Value - imported].Type;
    }

    /// <summary>Defined global <paramref name="index"/>: its type and initializer.</summary>
    public GlobalDefinition Global(DefinedGlobalIndex index)
    {
        if (index.Value >= (uint)_globals.Length) OutOfRange(nameof(index), index, "defined global", _globals.Length, 0);
        return _globals[index.Value];
    }

    /// <summary>The type index of the payload of tag <paramref name="index"/>, imported or defined.</summary>
    public TypeIndex TagTypeIndex(TagIndex index)
    {
        uint imported = (uint)_importedTags.Length;
        if (index.Value < imported) return _importedTags[index.Value];
        if (index.Value - imported >= (uint)_tags.Length) OutOfRange(nameof(index), index, "tag", TotalTagCount, _importedTags.Length);
        return _tags[index.Value - imported].Type;
    }

    public ElementSegment ElementSegment(ElemIndex index)
    {
        if (index.Value >= (uint)_elements.Length) OutOfRange(nameof(index), index, "element segment", _elements.Length, 0);
        return _elements[index.Value];
    }

    public DataSegment DataSegment(DataIndex index)
    {
        if (index.Value >= (uint)_data.Length) OutOfRange(nameof(index), index, "data segment", _data.Length, 0);
        return _data[index.Value];
    }

    /// <summary>The function's name from the name section, if it has one.</summary>
    public string? FunctionName(FuncIndex index) =>
        Names is not null && Names.FunctionNames.TryGetValue(index, out var name) ? name : null;

    // ---------------------------------------------------------------- imported-first and defined-only indices

    /// <summary>Defined function <paramref name="defined"/> in the function index space (after the imports).</summary>
    public FuncIndex ToIndex(DefinedFuncIndex defined)
    {
        if (defined.Value >= (uint)_functions.Length) OutOfRange(nameof(defined), defined, "defined function", _functions.Length, 0);
        return new((uint)_importedFunctions.Length + defined.Value);
    }

    public TableIndex ToIndex(DefinedTableIndex defined)
    {
        if (defined.Value >= (uint)_tables.Length) OutOfRange(nameof(defined), defined, "defined table", _tables.Length, 0);
        return new((uint)_importedTables.Length + defined.Value);
    }

    public MemoryIndex ToIndex(DefinedMemoryIndex defined)
    {
        if (defined.Value >= (uint)_memories.Length) OutOfRange(nameof(defined), defined, "defined memory", _memories.Length, 0);
        return new((uint)_importedMemories.Length + defined.Value);
    }

    public GlobalIndex ToIndex(DefinedGlobalIndex defined)
    {
        if (defined.Value >= (uint)_globals.Length) OutOfRange(nameof(defined), defined, "defined global", _globals.Length, 0);
        return new((uint)_importedGlobals.Length + defined.Value);
    }

    public TagIndex ToIndex(DefinedTagIndex defined)
    {
        if (defined.Value >= (uint)_tags.Length) OutOfRange(nameof(defined), defined, "defined tag", _tags.Length, 0);
        return new((uint)_importedTags.Length + defined.Value);
    }

    /// <summary>Whether function <paramref name="index"/> is defined by the module (not imported, and
    /// in range), and which defined function it is.</summary>
    public bool TryGetDefined(FuncIndex index, out DefinedFuncIndex defined)
    {
        bool found = TryGetPosition(index.Value, _importedFunctions.Length, _functions.Length, out uint position);
        defined = new(position);
        return found;
    }

    public bool TryGetDefined(TableIndex index, out DefinedTableIndex defined)
    {
        bool found = TryGetPosition(index.Value, _importedTables.Length, _tables.Length, out uint position);
        defined = new(position);
        return found;
    }

    public bool TryGetDefined(MemoryIndex index, out DefinedMemoryIndex defined)
    {
        bool found = TryGetPosition(index.Value, _importedMemories.Length, _memories.Length, out uint position);
        defined = new(position);
        return found;
    }

    public bool TryGetDefined(GlobalIndex index, out DefinedGlobalIndex defined)
    {
        bool found = TryGetPosition(index.Value, _importedGlobals.Length, _globals.Length, out uint position);
        defined = new(position);
        return found;
    }

    public bool TryGetDefined(TagIndex index, out DefinedTagIndex defined)
    {
        bool found = TryGetPosition(index.Value, _importedTags.Length, _tags.Length, out uint position);
        defined = new(position);
        return found;
    }

    private static bool TryGetPosition(uint index, int imported, int count, out uint position)
    {
        position = index - (uint)imported;
        if (index >= (uint)imported && position < (uint)count) return true;
        position = 0;
        return false;
    }

    [DoesNotReturn]
    private static void OutOfRange(string parameter, object index, string space, int count, int imported) =>
        throw new ArgumentOutOfRangeException(parameter, index,
            $"{space} {index} is out of range: the module has {count} {space}{(count == 1 ? "" : "s")}" + (imported > 0 ? $" ({imported} imported)" : ""));
}
