namespace Tessera.Wasm.Model;

/// <summary>
/// An export: a name and what it exports. Each kind is its own record carrying the index of its
/// own index space (<see cref="FuncExport"/> a <see cref="FuncIndex"/>, ...), so reading a table
/// export's index as a function index does not compile; match on the record type to get the index.
/// </summary>
/// <example>
/// <code>
/// foreach (var export in module.Exports)
/// {
///     if (export is FuncExport { Index: var function }) Console.WriteLine($"{export.Name}: {module.FunctionType(function)}");
/// }
/// </code>
/// </example>
public abstract record Export(string Name)
{
    /// <summary>What the export refers to; the record type says the same.</summary>
    public abstract ExternKind Kind { get; }

    /// <summary>The export of <paramref name="kind"/> with index <paramref name="index"/> in that
    /// kind's index space, as the binary encodes it (export section, spec 5.5.10).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not an <see cref="ExternKind"/>.</exception>
    internal static Export Of(string name, ExternKind kind, uint index) => kind switch
    {
        ExternKind.Func => new FuncExport(name, new FuncIndex(index)),
        ExternKind.Table => new TableExport(name, new TableIndex(index)),
        ExternKind.Memory => new MemoryExport(name, new MemoryIndex(index)),
        ExternKind.Global => new GlobalExport(name, new GlobalIndex(index)),
        ExternKind.Tag => new TagExport(name, new TagIndex(index)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an extern kind"),
    };
}

/// <summary>An exported function.</summary>
public sealed record FuncExport(string Name, FuncIndex Index) : Export(Name)
{
    public override ExternKind Kind => ExternKind.Func;
}

/// <summary>An exported table.</summary>
public sealed record TableExport(string Name, TableIndex Index) : Export(Name)
{
    public override ExternKind Kind => ExternKind.Table;
}

/// <summary>An exported memory.</summary>
public sealed record MemoryExport(string Name, MemoryIndex Index) : Export(Name)
{
    public override ExternKind Kind => ExternKind.Memory;
}

/// <summary>An exported global.</summary>
public sealed record GlobalExport(string Name, GlobalIndex Index) : Export(Name)
{
    public override ExternKind Kind => ExternKind.Global;
}

/// <summary>An exported tag (exception handling).</summary>
public sealed record TagExport(string Name, TagIndex Index) : Export(Name)
{
    public override ExternKind Kind => ExternKind.Tag;
}
