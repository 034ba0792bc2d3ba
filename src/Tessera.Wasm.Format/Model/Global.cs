namespace Tessera.Wasm.Model;

/// <summary>A global defined by the module: its type and initializer.</summary>
public sealed record GlobalDefinition(GlobalType Type, ConstExpr Init);
