namespace Tessera.Wasm.Model;

/// <summary>
/// Size limits of a memory (in pages) or table (in elements). Values are 64-bit so that memory64
/// and table64 fit; <see cref="Is64"/> records the address type.
/// </summary>
public readonly record struct Limits(ulong Min, ulong? Max, bool Is64 = false, bool Shared = false)
{
    public override string ToString() =>
        (Is64 ? "i64 " : "") + (Max is { } max ? $"{Min} {max}" : $"{Min}") + (Shared ? " shared" : "");
}

/// <summary>A table type: element reference type and limits.</summary>
public readonly record struct TableType(ValType ElementType, Limits Limits)
{
    public override string ToString() => $"{Limits} {ElementType}";
}

/// <summary>A memory type: limits in pages of 64 KiB (or 2^PageSizeLog2 bytes with custom page sizes).</summary>
public readonly record struct MemoryType(Limits Limits, byte PageSizeLog2 = 16)
{
    public override string ToString() => Limits.ToString();
}

/// <summary>A global type: value type and mutability.</summary>
public readonly record struct GlobalType(ValType Type, bool Mutable)
{
    public override string ToString() => Mutable ? $"(mut {Type})" : Type.ToString();
}

/// <summary>A tag type (exception handling): the function type of its payload.</summary>
public readonly record struct TagType(TypeIndex Type);
