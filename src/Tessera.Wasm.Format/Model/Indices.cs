namespace Tessera.Wasm.Model;

// Distinct index types for the module's index spaces, so an index into one space cannot be passed
// where another is meant. Each is a 4-byte wrapper with no behaviour of its own. An index space
// puts imports first; the Defined* types count only the module's own definitions (the position in
// ModuleDefinition.Functions, .Tables, ...). The two convert only through ModuleDefinition
// (ToIndex, TryGetDefined), which knows how many imports come first.

/// <summary>An index into the type section.</summary>
public readonly record struct TypeIndex(uint Value) { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }
/// <summary>An index into the function index space (imported functions first).</summary>
public readonly record struct FuncIndex(uint Value) { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }
/// <summary>An index into the table index space (imported tables first).</summary>
public readonly record struct TableIndex(uint Value) { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }
/// <summary>An index into the memory index space (imported memories first).</summary>
public readonly record struct MemoryIndex(uint Value) { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }
/// <summary>An index into the global index space (imported globals first).</summary>
public readonly record struct GlobalIndex(uint Value) { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }
/// <summary>An index into the tag index space (exception handling; imported tags first).</summary>
public readonly record struct TagIndex(uint Value) { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }
/// <summary>An index into the element section.</summary>
public readonly record struct ElemIndex(uint Value) { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }
/// <summary>An index into the data section.</summary>
public readonly record struct DataIndex(uint Value) { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }
/// <summary>An index into one function's locals (its parameters first).</summary>
public readonly record struct LocalIndex(uint Value) { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }

/// <summary>A function defined by the module (function and code sections), counted without imports.</summary>
public readonly record struct DefinedFuncIndex(uint Value) { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }
/// <summary>A table defined by the module (table section), counted without imports.</summary>
public readonly record struct DefinedTableIndex(uint Value) { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }
/// <summary>A memory defined by the module (memory section), counted without imports.</summary>
public readonly record struct DefinedMemoryIndex(uint Value) { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }
/// <summary>A global defined by the module (global section), counted without imports.</summary>
public readonly record struct DefinedGlobalIndex(uint Value) { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }
/// <summary>A tag defined by the module (tag section), counted without imports.</summary>
public readonly record struct DefinedTagIndex(uint Value) { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }
