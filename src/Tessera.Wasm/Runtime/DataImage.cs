using Tessera.Platform.Memory;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// A module's active data segments laid out once as a copy-on-write image of memory 0, so that
/// instantiating a module with megabytes of data maps the image instead of copying the bytes.
/// </summary>
/// <remarks>
/// Only when applying the segments one by one could not behave differently: memory 0 is defined
/// by the module (an imported memory holds someone else's bytes), every active segment writes
/// memory 0 at an <c>i32.const</c> offset (a <c>global.get</c> offset depends on the import) and
/// ends within the minimum size (so none traps). Later segments overwrite earlier ones in the
/// image exactly as when applied in order. Images under <see cref="Threshold"/> are not worth a
/// mapping (and each mapping costs kernel map entries), and where reservations are not lazy the
/// image would only be copied anyway: both copy.
/// </remarks>
internal static class DataImage
{
    public const ulong Threshold = 64 * 1024;

    /// <summary>The image, or null when the module's data must be copied.</summary>
    public static MemoryImage? TryCreate(ModuleDefinition module)
    {
        if (!VirtualMemory.ReservesLazily || module.Memories.Count == 0) return null;
        foreach (var import in module.Imports)
        {
            if (import.Kind == ExternKind.Memory) return null;
        }
        ulong size = module.Memories[0].Limits.Min * Memory.PageSize, end = 0;
        foreach (var segment in module.Data)
        {
            if (segment.Mode != SegmentMode.Active) continue;
            if (segment.Memory.Value != 0 || ConstantOffset(segment.Offset) is not { } offset) return null;
            ulong segmentEnd = offset + (ulong)segment.Bytes.Length;
            if (segmentEnd > size) return null;
            end = Math.Max(end, segmentEnd);
        }
        if (end < Threshold) return null;
        var image = MemoryImage.Create((nuint)end);
        foreach (var segment in module.Data)
        {
            if (segment.Mode == SegmentMode.Active) image.Write((nuint)ConstantOffset(segment.Offset)!.Value, segment.Bytes.Span);
        }
        return image;
    }

    /// <summary>The offset of an expression that is exactly <c>i32.const k; end</c>.</summary>
    private static uint? ConstantOffset(ConstExpr expr)
    {
        var reader = new WasmReader(expr.Code.Span, expr.Offset);
        if (reader.ReadOpcode() != Opcode.I32Const) return null;
        uint value = (uint)reader.ReadS32();
        return reader.ReadOpcode() == Opcode.End ? value : null;
    }
}
