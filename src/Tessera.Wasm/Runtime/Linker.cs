namespace Tessera.Wasm.Runtime;

/// <summary>
/// Names for imports: host functions, memories, globals and tables defined by the embedder, and
/// the exports of instances registered under a module name. Instantiation through the linker
/// checks each import's type; <see cref="InstantiatePre"/> checks them once for many instances.
/// </summary>
/// <remarks>
/// A name is defined once: defining it again is an error unless <see cref="AllowShadowing"/> is
/// set, so two host modules that both claim a name are found when the linker is built, not by
/// which one a program happens to get. A linker is built on one thread and then read by many
/// (the kernel's spawns): resolving a deferred host function (<see cref="DefineFunc"/>) is
/// thread-safe, defining is not.
/// </remarks>
public sealed class Linker
{
    /// <summary>Each name's <see cref="Extern"/>, or a <see cref="Lazy{T}"/> host function not made yet.</summary>
    private readonly Dictionary<(string Module, string Name), object> _definitions = new();

    /// <summary>When true, defining a name again replaces its definition; when false (the default)
    /// it throws <see cref="WasmLinkException"/>.</summary>
    public bool AllowShadowing { get; set; }

    /// <summary>Defines <paramref name="item"/> as <paramref name="module"/> <paramref name="name"/>.</summary>
    /// <exception cref="WasmLinkException">The name is defined already (and <see cref="AllowShadowing"/> is off).</exception>
    public Linker Define(string module, string name, Extern item)
    {
        ArgumentNullException.ThrowIfNull(item);
        Add(module, name, item);
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
    /// <exception cref="WasmLinkException">The name is defined already (and <see cref="AllowShadowing"/> is off).</exception>
    public Linker DefineFunc(string module, string name, Delegate callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Add(module, name, new Lazy<Func>(() => Func.Wrap(callback), LazyThreadSafetyMode.ExecutionAndPublication));
        return this;
    }

    /// <summary>Defines every export of <paramref name="instance"/> under <paramref name="module"/>.</summary>
    /// <exception cref="WasmLinkException">One of the names is defined already (and
    /// <see cref="AllowShadowing"/> is off); the exports before it are defined.</exception>
    public Linker DefineInstance(string module, Instance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        foreach (var (name, item) in instance.Exports) Add(module, name, item);
        return this;
    }

    /// <summary>The definition of <paramref name="module"/> <paramref name="name"/>, if there is one.</summary>
    public bool TryGet(string module, string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Extern? item)
    {
        item = _definitions.TryGetValue((module, name), out var definition) ? Resolve(definition) : null;
        return item is not null;
    }

    /// <summary>Resolves the module's imports by name and checks their types, once: the result
    /// instantiates the module in any store with no lookup and no type check.</summary>
    /// <exception cref="WasmLinkException">An import is not defined, or is of the wrong kind or
    /// type; it names the first such import.</exception>
    public InstancePre InstantiatePre(Module module)
    {
        var imports = Resolve(module);
        Instance.CheckImports(module, imports);
        return new InstancePre(module, imports);
    }

    /// <summary>Resolves the module's imports by name and instantiates it.</summary>
    /// <exception cref="WasmLinkException">As <see cref="InstantiatePre"/>, or an import belongs to
    /// another store (<see cref="Instance(Store, Module, IReadOnlyList{Extern})"/>); nothing is
    /// instantiated.</exception>
    public Instance Instantiate(Store store, Module module) => new(store, module, Resolve(module));

    private Extern[] Resolve(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var definitions = module.Definition.Imports;
        var imports = definitions.Count == 0 ? [] : new Extern[definitions.Count];
        for (int i = 0; i < imports.Length; i++)
        {
            var import = definitions[i];
            if (!_definitions.TryGetValue((import.Module, import.Name), out var definition))
                throw new WasmLinkException("unknown import", $"\"{import.Module}\" \"{import.Name}\"");
            imports[i] = Resolve(definition);
        }
        return imports;
    }

    private void Add(string module, string name, object definition)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(name);
        if (!AllowShadowing && _definitions.ContainsKey((module, name)))
            throw new WasmLinkException("import defined twice", $"\"{module}\" \"{name}\"", "set Linker.AllowShadowing to replace a definition");
        _definitions[(module, name)] = definition;
    }

    /// <summary>A definition as an extern: a deferred host function is made on first use.</summary>
    private static Extern Resolve(object definition) => definition is Lazy<Func> deferred ? deferred.Value : (Extern)definition;
}
