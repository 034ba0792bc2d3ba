namespace Tessera.Wasm.Model;

/// <summary>What an import or export refers to, by its binary code.</summary>
public enum ExternKind : byte
{
    Func = 0,
    Table = 1,
    Memory = 2,
    Global = 3,
    Tag = 4,
}
