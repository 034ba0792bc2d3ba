namespace Tessera.Wasm.Model;

/// <summary>
/// The mutable parts of a <see cref="ModuleDefinition"/> while the decoder (or a test) fills them
/// in, section by section. <see cref="Build"/> copies them into the read-only definition, so later
/// changes to the builder do not reach it.
/// </summary>
/// <remarks>The sections of structs are arrays, set once (the decoder knows each section's count
/// before its entries): a framework <c>List&lt;T&gt;</c> over a struct of this assembly is
/// JIT-compiled at start-up, one over a class is not (docs/benchmarks.md, Startup).</remarks>
internal sealed class ModuleDefinitionBuilder(ReadOnlyMemory<byte> bytes)
{
    public ReadOnlyMemory<byte> Bytes { get; } = bytes;
    public List<FuncType> Types { get; } = new();
    public List<Import> Imports { get; } = new();
    // new T[0], not []: that is Array.Empty<T>(), a generic method JIT-compiled per struct type.
    public TypeIndex[] Functions { get; set; } = new TypeIndex[0];
    public TableType[] Tables { get; set; } = new TableType[0];
    public MemoryType[] Memories { get; set; } = new MemoryType[0];
    public List<GlobalDefinition> Globals { get; } = new();
    public TagType[] Tags { get; set; } = new TagType[0];
    public List<Export> Exports { get; } = new();
    public FuncIndex? Start { get; set; }
    public List<ElementSegment> Elements { get; } = new();
    public uint? DataCount { get; set; }
    public List<FunctionBody> Bodies { get; } = new();
    public List<DataSegment> Data { get; } = new();
    public NameSection? Names { get; set; }
    public List<CustomSection> CustomSections { get; } = new();

    public ModuleDefinition Build() => new(this);
}
