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

    /// <summary>
    /// Defines a host function from a delegate, as <see cref="Func.Wrap"/> would make it, but
    /// makes it only when an import first resolves to it: wrapping generates the function's
    /// adapter code, and a host module of many functions (WASI's 46) need not pay for those a
    /// program does not import. Thread-safe to resolve: every importer gets the same
    /// <see cref="Func"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The delegate's signature has no WebAssembly type (checked
    /// when the function is made).</exception>
    public Linker DefineFunc(string module, string name, Delegate callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _definitions[(module, name)] = new Lazy<Func>(() => Func.Wrap(callback), LazyThreadSafetyMode.ExecutionAndPublication);
        return this;
    }

    /// <summary>Defines every export of <paramref name="instance"/> under <paramref name="module"/>.</summary>
    public Linker DefineInstance(string module, Instance instance)
    {
        foreach (var (name, item) in instance.Exports) _definitions[(module, name)] = item;
        return this;
    }

    public bool TryGet(string module, string name, out object? item)
    {
        bool found = _definitions.TryGetValue((module, name), out item);
        item = Resolve(item);
        return found;
    }

    /// <summary>A definition as an extern: a deferred host function is made on first use.</summary>
    private static object? Resolve(object? item) => item is Lazy<Func> deferred ? deferred.Value : item;

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
            imports[i] = Resolve(item)!;
        }
        return new Instance(store, module, imports);
    }
}
