namespace Tessera.Wasm.Model;

/// <summary>
/// The mutable parts of a <see cref="ModuleDefinition"/> while the decoder (or a test) fills them
/// in, section by section. <see cref="Build"/> copies them into the read-only definition, so later
/// changes to the builder do not reach it.
/// </summary>
internal sealed class ModuleDefinitionBuilder(ReadOnlyMemory<byte> bytes)
{
    public ReadOnlyMemory<byte> Bytes { get; } = bytes;
    public List<FuncType> Types { get; } = new();
    public List<Import> Imports { get; } = new();
    public List<TypeIndex> Functions { get; } = new();
    public List<TableType> Tables { get; } = new();
    public List<MemoryType> Memories { get; } = new();
    public List<GlobalDefinition> Globals { get; } = new();
    public List<TagType> Tags { get; } = new();
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
