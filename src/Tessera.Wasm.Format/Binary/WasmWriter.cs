using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Binary;

/// <summary>
/// Writes WebAssembly binary encodings into a growable buffer: LEB128 integers, names, value types,
/// and sections with their size prefix. The counterpart of <see cref="WasmReader"/>, used by
/// the text assembler and by generators of test modules.
/// </summary>
internal sealed class WasmWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public WasmWriter(int initialCapacity = 256) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    public int Length => _buffer.WrittenCount;
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
    public void Clear() => _buffer.Clear();

    public void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void Bytes(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public void U32(uint value) => U64(value);

    public void U64(ulong value)
    {
        var span = _buffer.GetSpan(10);
        int n = 0;
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            if (value != 0) b |= 0x80;
            span[n++] = b;
        } while (value != 0);
        _buffer.Advance(n);
    }

    public void S32(int value) => S64(value);

    public void S64(long value)
    {
        var span = _buffer.GetSpan(10);
        int n = 0;
        while (true)
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            bool done = value == 0 && (b & 0x40) == 0 || value == -1 && (b & 0x40) != 0;
            span[n++] = done ? b : (byte)(b | 0x80);
            if (done) break;
        }
        _buffer.Advance(n);
    }

    public void FixedU32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void FixedU64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    /// <summary>A length-prefixed UTF-8 name.</summary>
    public void Name(string name)
    {
        int count = Encoding.UTF8.GetByteCount(name);
        U32((uint)count);
        Encoding.UTF8.GetBytes(name, _buffer.GetSpan(count));
        _buffer.Advance(count);
    }

    public void ValType(ValType type)
    {
        if (!type.IsRef)
        {
            Byte((byte)type.Kind);
            return;
        }
        var heap = type.Heap;
        if (type.IsNullable && !heap.IsConcrete)
        {
            Byte((byte)heap.AbstractKind); // shorthand: funcref, externref, ...
            return;
        }
        Byte(type.IsNullable ? (byte)0x63 : (byte)0x64);
        HeapType(heap);
    }

    public void HeapType(HeapType heap)
    {
        if (heap.IsConcrete) S64(heap.TypeIndex.Value);
        else Byte((byte)heap.AbstractKind);
    }

    /// <summary>An opcode, with its prefix byte and LEB128 sub-opcode if it has one.</summary>
    public void Opcode(Opcode opcode)
    {
        int code = (int)opcode;
        if (code > 0xFF)
        {
            Byte((byte)(code >> 16));
            U32((uint)(code & 0xFFFF));
        }
        else
        {
            Byte((byte)code);
        }
    }

    /// <summary>A section: its id, then the size of what <paramref name="content"/> writes, then that content.</summary>
    public void Section(SectionId id, WasmWriter content)
    {
        Byte((byte)id);
        U32((uint)content.Length);
        Bytes(content.WrittenSpan);
    }

    /// <summary>The module header: magic and version 1.</summary>
    public void Header()
    {
        Bytes("\0asm"u8);
        FixedU32(1);
    }
}
