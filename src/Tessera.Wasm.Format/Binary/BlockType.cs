using Tessera.Wasm.Model;

namespace Tessera.Wasm.Binary;

/// <summary>The type of a block, loop, if or try_table: empty, one result, or a function type index.</summary>
public readonly struct BlockType
{
    private readonly ValType _value;
    private readonly uint _typeIndex;
    private readonly byte _kind; // 0 empty, 1 value, 2 type index

    private BlockType(byte kind, ValType value, uint typeIndex)
    {
        _kind = kind;
        _value = value;
        _typeIndex = typeIndex;
    }

    public static BlockType Empty => default;
    public static BlockType FromValue(ValType type) => new(1, type, 0);
    public static BlockType FromTypeIndex(TypeIndex index) => new(2, default, index.Value);

    public bool IsEmpty => _kind == 0;
    public bool IsValue => _kind == 1;
    public bool IsTypeIndex => _kind == 2;
    public ValType Value => _value;
    public TypeIndex TypeIndex => new(_typeIndex);

    public override string ToString() => _kind switch { 0 => "[]", 1 => $"[{_value}]", _ => $"type {_typeIndex}" };
}
