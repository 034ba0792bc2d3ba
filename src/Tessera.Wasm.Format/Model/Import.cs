namespace Tessera.Wasm.Model;

/// <summary>
/// An import: a two-level name and a description of what is imported. Exactly one of the
/// type fields is meaningful, chosen by <see cref="Kind"/>.
/// </summary>
public sealed record Import(string Module, string Name, ExternKind Kind)
{
    /// <summary>For <see cref="ExternKind.Func"/> and <see cref="ExternKind.Tag"/>: the type index.</summary>
    public TypeIndex FunctionType { get; init; }
    public TableType Table { get; init; }
    public MemoryType Memory { get; init; }
    public GlobalType Global { get; init; }
}
