namespace Tessera.Wasm.Runtime;

/// <summary>
/// Names for imports: host functions, memories, globals and tables defined by the embedder, and
/// the exports of instances registered under a module name. Instantiation through the linker
/// checks each import's type.
/// </summary>
public sealed class Linker
{
    private readonly Dictionary<(string, string), object> _definitions = new();

    /// <summary>Defines an extern (a <see cref="Func"/>, <see cref="Memory"/>, <see cref="Global"/> or <see cref="Table"/>).</summary>
    public Linker Define(string module, string name, object item)
    {
        if (item is not (Func or Memory or Global or Table)) throw new ArgumentException("not an extern: " + item.GetType().Name, nameof(item));
        _definitions[(module, name)] = item;
        return this;
    }

    /// <summary>Defines every export of <paramref name="instance"/> under <paramref name="module"/>.</summary>
    public Linker DefineInstance(string module, Instance instance)
    {
        foreach (var (name, item) in instance.Exports) _definitions[(module, name)] = item;
        return this;
    }

    public bool TryGet(string module, string name, out object? item) => _definitions.TryGetValue((module, name), out item);

    /// <summary>Resolves the module's imports by name and instantiates it.</summary>
    public Instance Instantiate(Store store, Module module)
    {
        var definitions = module.Definition.Imports;
        var imports = definitions.Count == 0 ? [] : new object[definitions.Count];
        for (int i = 0; i < imports.Length; i++)
        {
            var import = definitions[i];
            if (!_definitions.TryGetValue((import.Module, import.Name), out var item))
                throw new WasmLinkException("unknown import", $"\"{import.Module}\" \"{import.Name}\"");
            imports[i] = item;
        }
        return new Instance(store, module, imports);
    }
}
