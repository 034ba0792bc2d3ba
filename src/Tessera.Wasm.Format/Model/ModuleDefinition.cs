namespace Tessera.Wasm.Model;

/// <summary>
/// The static description of a module as decoded from its binary (or assembled from its text):
/// every section, in the index spaces the specification defines. It is not yet validated; pass
/// it to <c>Validation.ModuleValidator</c>. Function bodies and constant expressions stay as
/// slices of <see cref="Bytes"/>.
/// </summary>
/// <remarks>
/// Index spaces put imports first: function index <c>i</c> is the i-th function import when
/// <c>i &lt; ImportedFunctionCount</c>, else <c>Functions[i - ImportedFunctionCount]</c>.
/// </remarks>
public sealed class ModuleDefinition
{
    public ModuleDefinition(ReadOnlyMemory<byte> bytes) => Bytes = bytes;

    /// <summary>The whole module binary this definition was decoded from.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    public List<FuncType> Types { get; } = new();
    public List<Import> Imports { get; } = new();
    /// <summary>Type of each defined function (function section), in order.</summary>
    public List<TypeIndex> Functions { get; } = new();
    public List<TableType> Tables { get; } = new();
    public List<MemoryType> Memories { get; } = new();
    public List<GlobalDefinition> Globals { get; } = new();
    public List<TagType> Tags { get; } = new();
    public List<Export> Exports { get; } = new();
    public FuncIndex? Start { get; set; }
    public List<ElementSegment> Elements { get; } = new();
    /// <summary>The data count section's value, when present.</summary>
    public uint? DataCount { get; set; }
    public List<FunctionBody> Bodies { get; } = new();
    public List<DataSegment> Data { get; } = new();
    public NameSection? Names { get; set; }
    public List<CustomSection> CustomSections { get; } = new();

    public int ImportedFunctionCount { get; private set; }
    public int ImportedTableCount { get; private set; }
    public int ImportedMemoryCount { get; private set; }
    public int ImportedGlobalCount { get; private set; }
    public int ImportedTagCount { get; private set; }

    public int TotalFunctionCount => ImportedFunctionCount + Functions.Count;
    public int TotalTableCount => ImportedTableCount + Tables.Count;
    public int TotalMemoryCount => ImportedMemoryCount + Memories.Count;
    public int TotalGlobalCount => ImportedGlobalCount + Globals.Count;
    public int TotalTagCount => ImportedTagCount + Tags.Count;

    /// <summary>Adds an import and counts it in its index space.</summary>
    public void AddImport(Import import)
    {
        Imports.Add(import);
        switch (import.Kind)
        {
            case ExternKind.Func: ImportedFunctionCount++; break;
            case ExternKind.Table: ImportedTableCount++; break;
            case ExternKind.Memory: ImportedMemoryCount++; break;
            case ExternKind.Global: ImportedGlobalCount++; break;
            case ExternKind.Tag: ImportedTagCount++; break;
        }
    }

    /// <summary>The type index of function <paramref name="index"/>, imported or defined.</summary>
    public TypeIndex FunctionTypeIndex(FuncIndex index)
    {
        if (index.Value < (uint)ImportedFunctionCount) return NthImport(ExternKind.Func, (int)index.Value).FunctionType;
        return Functions[(int)(index.Value - (uint)ImportedFunctionCount)];
    }

    public TableType TableType(TableIndex index) =>
        index.Value < (uint)ImportedTableCount ? NthImport(ExternKind.Table, (int)index.Value).Table : Tables[(int)(index.Value - (uint)ImportedTableCount)];

    public MemoryType MemoryType(MemoryIndex index) =>
        index.Value < (uint)ImportedMemoryCount ? NthImport(ExternKind.Memory, (int)index.Value).Memory : Memories[(int)(index.Value - (uint)ImportedMemoryCount)];

    public GlobalType GlobalType(GlobalIndex index) =>
        index.Value < (uint)ImportedGlobalCount ? NthImport(ExternKind.Global, (int)index.Value).Global : Globals[(int)(index.Value - (uint)ImportedGlobalCount)].Type;

    public TypeIndex TagTypeIndex(TagIndex index) =>
        index.Value < (uint)ImportedTagCount ? NthImport(ExternKind.Tag, (int)index.Value).FunctionType : Tags[(int)(index.Value - (uint)ImportedTagCount)].Type;

    /// <summary>The function's name from the name section, if it has one.</summary>
    public string? FunctionName(FuncIndex index) =>
        Names is not null && Names.FunctionNames.TryGetValue(index.Value, out var name) ? name : null;

    private Import NthImport(ExternKind kind, int n)
    {
        // Imports are few; a linear scan keeps the model free of parallel lists.
        foreach (var import in Imports)
        {
            if (import.Kind != kind) continue;
            if (n-- == 0) return import;
        }
        throw new ArgumentOutOfRangeException(nameof(n));
    }
}
