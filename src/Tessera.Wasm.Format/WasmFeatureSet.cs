namespace Tessera.Wasm;

/// <summary>
/// Feature sets written as text, for command lines: a level (<c>2.0</c> or <c>3.0</c>), then
/// comma-separated proposals to add, or to remove with a <c>no-</c> prefix, named as the spec test
/// suite's proposal folders: <c>2.0,tail-call,multi-memory</c> or <c>3.0,no-gc</c>.
/// </summary>
public static class WasmFeatureSet
{
    private static readonly (string Name, WasmFeatures Feature)[] s_names =
    [
        ("mutable-globals", WasmFeatures.MutableGlobals),
        ("sign-extension", WasmFeatures.SignExtension),
        ("nontrapping-float-to-int", WasmFeatures.SaturatingFloatToInt),
        ("multi-value", WasmFeatures.MultiValue),
        ("bulk-memory", WasmFeatures.BulkMemory),
        ("reference-types", WasmFeatures.ReferenceTypes),
        ("simd", WasmFeatures.Simd),
        ("relaxed-simd", WasmFeatures.RelaxedSimd),
        ("tail-call", WasmFeatures.TailCall),
        ("exception-handling", WasmFeatures.Exceptions),
        ("function-references", WasmFeatures.FunctionReferences),
        ("gc", WasmFeatures.Gc),
        ("multi-memory", WasmFeatures.MultiMemory),
        ("memory64", WasmFeatures.Memory64),
        ("extended-const", WasmFeatures.ExtendedConst),
        ("threads", WasmFeatures.Threads),
    ];

    /// <summary>Every proposal name <see cref="Parse"/> accepts.</summary>
    public static IEnumerable<string> Names => s_names.Select(n => n.Name);

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming the part
    /// it does not know.</summary>
    public static WasmFeatures Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var features = parts[0] switch
        {
            "2.0" => WasmFeatures.Wasm2,
            "3.0" => WasmFeatures.Wasm3,
            _ => throw new FormatException($"unknown feature level '{parts[0]}' (2.0 or 3.0)"),
        };
        foreach (var part in parts.Skip(1))
        {
            bool remove = part.StartsWith("no-", StringComparison.Ordinal);
            string name = remove ? part[3..] : part;
            var feature = s_names.FirstOrDefault(n => n.Name == name).Feature;
            if (feature == WasmFeatures.None) throw new FormatException($"unknown feature '{name}' (known: {string.Join(", ", Names)})");
            features = remove ? features & ~feature : features | feature;
        }
        return features;
    }
}
