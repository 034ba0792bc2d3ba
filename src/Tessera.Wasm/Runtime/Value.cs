using System.Runtime.Intrinsics;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// A WebAssembly value crossing the embedding boundary: its type and its bits. Floats are kept as
/// bits so NaN payloads survive exactly. A v128 keeps its low 64 bits (bytes 0-7, little-endian)
/// in <see cref="Bits"/> and its high 64 bits in <see cref="HighBits"/>.
/// </summary>
public readonly record struct Value(ValType Type, ulong Bits)
{
    /// <summary>A reference value: null, a <see cref="Func"/>, or a host object for externref.</summary>
    public object? Ref { get; init; }

    /// <summary>For v128, bits 64-127 (bytes 8-15); zero for every other type.</summary>
    public ulong HighBits { get; init; }

    public static Value Reference(ValType type, object? reference) => new(type, reference is null ? 0UL : 1UL) { Ref = reference };

    public static Value I32(int v) => new(ValType.I32, (uint)v);
    public static Value I64(long v) => new(ValType.I64, (ulong)v);
    public static Value F32(float v) => new(ValType.F32, BitConverter.SingleToUInt32Bits(v));
    public static Value F64(double v) => new(ValType.F64, BitConverter.DoubleToUInt64Bits(v));
    public static Value F32Bits(uint bits) => new(ValType.F32, bits);
    public static Value F64Bits(ulong bits) => new(ValType.F64, bits);
    public static Value V128(Vector128<byte> v) => new(ValType.V128, v.AsUInt64()[0]) { HighBits = v.AsUInt64()[1] };
    public static Value V128(ulong low, ulong high) => new(ValType.V128, low) { HighBits = high };

    public int AsI32() => (int)(uint)Bits;
    public long AsI64() => (long)Bits;
    public float AsF32() => BitConverter.UInt32BitsToSingle((uint)Bits);
    public double AsF64() => BitConverter.UInt64BitsToDouble(Bits);
    public Vector128<byte> AsV128() => Vector128.Create(Bits, HighBits).AsByte();

    public override string ToString() => Type.Kind switch
    {
        ValTypeKind.I32 => $"i32:{AsI32()}",
        ValTypeKind.I64 => $"i64:{AsI64()}",
        ValTypeKind.F32 => $"f32:{AsF32():R}",
        ValTypeKind.F64 => $"f64:{AsF64():R}",
        ValTypeKind.V128 => $"v128:0x{HighBits:x16}{Bits:x16}",
        _ => $"{Type}:0x{Bits:x}",
    };
}
