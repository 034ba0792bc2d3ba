using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Binary;

/// <summary>
/// A forward-only reader over WebAssembly binary data: LEB128 integers with the spec's length and
/// range limits, names, types and instruction immediates. A <c>ref struct</c> over a span, so
/// reading a function body allocates nothing per instruction. Every failure is a
/// <see cref="WasmFormatException"/> carrying the absolute byte offset in the module.
/// </summary>
public ref struct WasmReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _base;
    private readonly string _endRule;
    private int _pos;

    /// <param name="data">The bytes to read.</param>
    /// <param name="baseOffset">Offset of <paramref name="data"/> within the module, for error messages.</param>
    /// <param name="endRule">The rule reported when reading past the end: "unexpected end" for a
    /// whole module, "unexpected end of section or function" inside a section or body.</param>
    public WasmReader(ReadOnlySpan<byte> data, int baseOffset = 0, string endRule = "unexpected end")
    {
        _data = data;
        _base = baseOffset;
        _endRule = endRule;
        _pos = 0;
    }

    /// <summary>Position relative to the start of this reader's data.</summary>
    public readonly int Position => _pos;
    /// <summary>Absolute offset within the module binary.</summary>
    public readonly int Offset => _base + _pos;
    public readonly int Remaining => _data.Length - _pos;
    public readonly bool AtEnd => _pos >= _data.Length;
    /// <summary>The data this reader reads.</summary>
    public readonly ReadOnlySpan<byte> Data => _data;

    /// <summary>A reader over the next <paramref name="length"/> bytes, which this reader skips.</summary>
    public WasmReader Slice(int length, string endRule = "unexpected end of section or function")
    {
        if ((uint)length > (uint)Remaining) Fail(_endRule);
        var sub = new WasmReader(_data.Slice(_pos, length), Offset, endRule);
        _pos += length;
        return sub;
    }

    public byte ReadByte()
    {
        if ((uint)_pos >= (uint)_data.Length) Fail(_endRule);
        return _data[_pos++];
    }

    public readonly byte PeekByte()
    {
        if ((uint)_pos >= (uint)_data.Length) Fail(_endRule);
        return _data[_pos];
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if ((uint)count > (uint)Remaining) Fail(_endRule);
        var span = _data.Slice(_pos, count);
        _pos += count;
        return span;
    }

    public uint ReadFixedU32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));
    public ulong ReadFixedU64() => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

    /// <summary>Reads an unsigned LEB128 of at most 32 bits (at most 5 bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadU32()
    {
        if ((uint)_pos < (uint)_data.Length && _data[_pos] < 0x80) return _data[_pos++];
        return ReadU32Slow();
    }

    private uint ReadU32Slow()
    {
        int start = Offset;
        uint result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 28)
            {
                if ((b & 0x80) != 0) Fail("integer representation too long", start);
                if ((b & 0x70) != 0) Fail("integer too large", start);
                return result | ((uint)b << 28);
            }
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
    }

    /// <summary>Reads an unsigned LEB128 of at most 64 bits (at most 10 bytes).</summary>
    public ulong ReadU64()
    {
        int start = Offset;
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 63)
            {
                if ((b & 0x80) != 0) Fail("integer representation too long", start);
                if ((b & 0x7E) != 0) Fail("integer too large", start);
                return result | ((ulong)b << 63);
            }
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
    }

    /// <summary>Reads a signed LEB128 of at most 32 bits.</summary>
    public int ReadS32() => (int)ReadSigned(32);

    /// <summary>Reads a signed LEB128 of at most 33 bits (block types).</summary>
    public long ReadS33() => ReadSigned(33);

    /// <summary>Reads a signed LEB128 of at most 64 bits.</summary>
    public long ReadS64() => ReadSigned(64);

    private long ReadSigned(int bits)
    {
        int start = Offset;
        long result = 0;
        int lastShift = (bits - 1) / 7 * 7; // shift of the final permitted byte
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByte();
            if (shift == lastShift)
            {
                if ((b & 0x80) != 0) Fail("integer representation too long", start);
                // The unused high bits of the last byte must all equal the sign bit.
                int used = bits - shift;          // value bits in this byte, including the sign
                int signBit = (b >> (used - 1)) & 1;
                int unusedMask = 0x7F & ~((1 << used) - 1);
                if ((b & unusedMask) != (signBit != 0 ? unusedMask : 0)) Fail("integer too large", start);
                result |= (long)(b & 0x7F) << shift;
                int total = shift + 7;
                return total >= 64 ? result : (result << (64 - total)) >> (64 - total);
            }
            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                int total = shift + 7;
                return (result << (64 - total)) >> (64 - total);
            }
        }
    }

    /// <summary>Reads a length-prefixed UTF-8 name.</summary>
    public string ReadName()
    {
        int start = Offset;
        uint length = ReadU32();
        if (length > (uint)Remaining) Fail("length out of bounds", start);
        var bytes = ReadBytes((int)length);
        if (!Utf8.IsValid(bytes)) Fail("malformed UTF-8 encoding", start);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Reads a vector length and checks it against the bytes left, so a huge count
    /// cannot make a caller allocate before the data proves it exists (each element takes at
    /// least <paramref name="minElementSize"/> bytes).</summary>
    public uint ReadCount(int minElementSize = 1)
    {
        int start = Offset;
        uint count = ReadU32();
        if (minElementSize > 0 && count > (uint)(Remaining / minElementSize)) Fail(_endRule, start, $"count {count} exceeds the remaining {Remaining} bytes");
        return count;
    }

    /// <summary>Reads a value type.</summary>
    public ValType ReadValType()
    {
        int start = Offset;
        byte b = ReadByte();
        switch (b)
        {
            case 0x7F: return ValType.I32;
            case 0x7E: return ValType.I64;
            case 0x7D: return ValType.F32;
            case 0x7C: return ValType.F64;
            case 0x7B: return ValType.V128;
            case 0x70: return ValType.FuncRef;
            case 0x6F: return ValType.ExternRef;
            case 0x64: return ValType.Ref(ReadHeapType(), nullable: false);
            case 0x63: return ValType.Ref(ReadHeapType(), nullable: true);
            default:
                if (IsAbstractHeapTypeCode(b)) return ValType.Ref(HeapType.Abstract((AbstractHeapType)b), nullable: true);
                Fail("malformed value type", start, $"0x{b:x2}");
                return default;
        }
    }

    /// <summary>Reads a reference type (tables, element segments).</summary>
    public ValType ReadRefType()
    {
        int start = Offset;
        var t = ReadValType();
        if (!t.IsRef) Fail("malformed reference type", start);
        return t;
    }

    /// <summary>Reads a heap type: an abstract type code or a non-negative s33 type index.</summary>
    public HeapType ReadHeapType()
    {
        int start = Offset;
        byte b = PeekByte();
        if (IsAbstractHeapTypeCode(b))
        {
            _pos++;
            return HeapType.Abstract((AbstractHeapType)b);
        }
        long index = ReadS33();
        // HeapType holds an index as a non-negative int; no module can have 2^31 types.
        if (index < 0 || index > int.MaxValue) Fail("malformed heap type", start);
        return HeapType.Concrete(new TypeIndex((uint)index));
    }

    private static bool IsAbstractHeapTypeCode(byte b) => b is >= 0x69 and <= 0x74;

    /// <summary>Reads a block type.</summary>
    public BlockType ReadBlockType()
    {
        byte b = PeekByte();
        if (b == 0x40)
        {
            _pos++;
            return BlockType.Empty;
        }
        if (b >= 0x40 && b < 0x80 || b == 0x63 || b == 0x64) return BlockType.FromValue(ReadValType());
        int start = Offset;
        long index = ReadS33();
        if (index < 0) Fail("malformed block type", start);
        return BlockType.FromTypeIndex(new TypeIndex((uint)index));
    }

    /// <summary>Reads an opcode, including the sub-opcode of a prefixed instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Opcode ReadOpcode()
    {
        byte b = ReadByte();
        if (b is 0xFC or 0xFD or 0xFB or 0xFE)
        {
            uint sub = ReadU32();
            if (sub > 0xFFFF) Fail("illegal opcode", Offset, $"0x{b:x2} {sub}");
            return (Opcode)((b << 16) | (int)sub);
        }
        return (Opcode)b;
    }

    /// <summary>Reads a memarg: alignment exponent (bit 6 set announces a memory index), memory index, offset.</summary>
    public MemArg ReadMemArg(bool multiMemory, bool memory64)
    {
        int start = Offset;
        uint align = ReadU32();
        uint memory = 0;
        // With multi-memory, bit 6 announces a memory index and bit 7 and above are reserved.
        if (multiMemory && align >= 0x80) Fail("malformed memop flags", start);
        if ((align & 0x40) != 0)
        {
            if (!multiMemory) Fail("malformed memop flags", start);
            align &= ~0x40u;
            memory = ReadU32();
        }
        ulong offset = memory64 ? ReadU64() : ReadU32();
        return new MemArg(align, new MemoryIndex(memory), offset);
    }

    /// <summary>Reads the memory index of memory.size/grow/fill: a zero byte unless multi-memory is on.</summary>
    public MemoryIndex ReadMemoryIndex(bool multiMemory)
    {
        if (multiMemory) return new MemoryIndex(ReadU32());
        int start = Offset;
        if (ReadByte() != 0) Fail("zero byte expected", start);
        return new MemoryIndex(0);
    }

    // Index immediates (spec 5.5.1): a u32 wrapped in the type of its index space at the point it is
    // read, so an index never travels as a bare integer. Each is ReadU32 and a 4-byte wrap.
    public TypeIndex ReadTypeIndex() => new(ReadU32());
    public FuncIndex ReadFuncIndex() => new(ReadU32());
    public TableIndex ReadTableIndex() => new(ReadU32());
    public GlobalIndex ReadGlobalIndex() => new(ReadU32());
    public TagIndex ReadTagIndex() => new(ReadU32());
    public ElemIndex ReadElemIndex() => new(ReadU32());
    public DataIndex ReadDataIndex() => new(ReadU32());
    public LocalIndex ReadLocalIndex() => new(ReadU32());

    /// <summary>Skips the immediates of <paramref name="info"/> (for tools that only walk instructions).</summary>
    public void SkipImmediates(OpcodeInfo info, WasmFeatures features)
    {
        bool multiMemory = (features & WasmFeatures.MultiMemory) != 0;
        switch (info.Immediate)
        {
            case ImmediateKind.None: break;
            case ImmediateKind.BlockType: ReadBlockType(); break;
            case ImmediateKind.Label:
            case ImmediateKind.Func:
            case ImmediateKind.Type:
            case ImmediateKind.Local:
            case ImmediateKind.Global:
            case ImmediateKind.Table:
            case ImmediateKind.Data:
            case ImmediateKind.Elem:
            case ImmediateKind.Tag:
                ReadU32(); break;
            case ImmediateKind.BrTable:
                {
                    uint n = ReadCount();
                    for (uint i = 0; i <= n; i++) ReadU32();
                    break;
                }
            case ImmediateKind.CallIndirect:
            case ImmediateKind.TableInit:
            case ImmediateKind.TableCopy:
                ReadU32(); ReadU32(); break;
            case ImmediateKind.Memory: ReadMemoryIndex(multiMemory); break;
            case ImmediateKind.MemArg: ReadMemArg(multiMemory, (features & WasmFeatures.Memory64) != 0); break;
            case ImmediateKind.MemArgLane: ReadMemArg(multiMemory, (features & WasmFeatures.Memory64) != 0); ReadByte(); break;
            case ImmediateKind.MemoryInit: ReadU32(); ReadMemoryIndex(multiMemory); break;
            case ImmediateKind.MemoryCopy: ReadMemoryIndex(multiMemory); ReadMemoryIndex(multiMemory); break;
            case ImmediateKind.I32: ReadS32(); break;
            case ImmediateKind.I64: ReadS64(); break;
            case ImmediateKind.F32: ReadBytes(4); break;
            case ImmediateKind.F64: ReadBytes(8); break;
            case ImmediateKind.V128:
            case ImmediateKind.Shuffle:
                ReadBytes(16); break;
            case ImmediateKind.Lane: ReadByte(); break;
            case ImmediateKind.SelectTyped:
                {
                    uint n = ReadCount();
                    for (uint i = 0; i < n; i++) ReadValType();
                    break;
                }
            case ImmediateKind.HeapType: ReadHeapType(); break;
            case ImmediateKind.TryTable:
                {
                    ReadBlockType();
                    uint n = ReadCount();
                    for (uint i = 0; i < n; i++)
                    {
                        byte kind = ReadByte();
                        if (kind is 0 or 1) ReadU32();
                        ReadU32();
                    }
                    break;
                }
            default:
                Fail("illegal opcode", Offset, info.Name);
                break;
        }
    }

    /// <summary>Throws a <see cref="WasmFormatException"/> at the current offset.</summary>
    [DoesNotReturn]
    public readonly void Fail(string rule) => throw new WasmFormatException(rule, Offset);

    /// <summary>Throws a <see cref="WasmFormatException"/> at <paramref name="offset"/>.</summary>
    [DoesNotReturn]
    public static void Fail(string rule, int offset, string? detail = null) => throw new WasmFormatException(rule, offset, detail);
}
