using System.Diagnostics.CodeAnalysis;
using System.Runtime.Intrinsics;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// Helpers resumable code calls to save and restore frames in the context's slot stacks
/// (<see cref="InstanceContext.Slots"/>, <see cref="InstanceContext.RefSlots"/>). Only the cold
/// paths (unwinding, rewinding) call them.
/// </summary>
internal static class ResumeOps
{
    /// <summary>Reserves <paramref name="count"/> numeric slots and returns the first.</summary>
    internal static int ReserveSlots(InstanceContext context, int count)
    {
        int top = context.SlotTop;
        if (context.Slots.Length - top < count) Array.Resize(ref context.Slots, Math.Max(16, Math.Max(context.Slots.Length * 2, top + count)));
        context.SlotTop = top + count;
        return top;
    }

    /// <summary>Reserves <paramref name="count"/> reference slots and returns the first.</summary>
    internal static int ReserveRefs(InstanceContext context, int count)
    {
        int top = context.RefTop;
        if (context.RefSlots.Length - top < count) Array.Resize(ref context.RefSlots, Math.Max(4, Math.Max(context.RefSlots.Length * 2, top + count)));
        context.RefTop = top + count;
        return top;
    }

    /// <summary>Pops a frame's resume point (the top slot).</summary>
    internal static int PopResumePoint(InstanceContext context)
    {
        if (context.SlotTop <= 0) Corrupt();
        return (int)context.Slots[--context.SlotTop];
    }

    /// <summary>Pops <paramref name="count"/> numeric slots and returns the first of them.</summary>
    internal static int PopSlots(InstanceContext context, int count)
    {
        if (context.SlotTop < count) Corrupt();
        return context.SlotTop -= count;
    }

    /// <summary>Pops <paramref name="count"/> reference slots and returns the first of them.</summary>
    internal static int PopRefs(InstanceContext context, int count)
    {
        if (context.RefTop < count) Corrupt();
        return context.RefTop -= count;
    }

    /// <summary>Takes a reference slot, clearing it so a resumed task keeps nothing alive it no
    /// longer holds.</summary>
    internal static object? TakeRef(InstanceContext context, int index)
    {
        var value = context.RefSlots[index];
        context.RefSlots[index] = null;
        return value;
    }

    internal static long Low(Vector128<byte> value) => value.AsInt64().GetElement(0);

    internal static long High(Vector128<byte> value) => value.AsInt64().GetElement(1);

    internal static Vector128<byte> Vector(long low, long high) => Vector128.Create(low, high).AsByte();

    /// <summary>A rewind found no frame where one was saved: the slot stack does not belong to this
    /// call. Never happens unless an embedder resumed the wrong call.</summary>
    [DoesNotReturn]
    internal static void Corrupt() => throw new InvalidOperationException("resumed a call whose saved frames do not match its code");
}
