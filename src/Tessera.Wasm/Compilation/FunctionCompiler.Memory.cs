using System.Reflection.Emit;

namespace Tessera.Wasm.Compilation;

// Which memory an instruction addresses (multi-memory). Memory 0 stays on the fast path: its
// buffer is cached in the local _memory, reloaded at entry, after calls and after memory.grow,
// exactly as before multi-memory. Every other memory's buffer is loaded at each use through
// InstanceContext.Memories instead of being cached in a local of its own. That costs three loads
// per access to memory N, but keeps the code for memory 0 byte for byte what it was, needs no scan
// of the body to learn which memories it uses, and adds nothing to the reload after every call,
// which would otherwise grow with the number of memories for functions that never touch them.
internal sealed partial class FunctionCompiler
{
    /// <summary>Pushes the current buffer of memory <paramref name="index"/>.</summary>
    private void LoadMemoryBuffer(uint index)
    {
        if (index == 0)
        {
            _il.Emit(OpCodes.Ldloc, _memory!);
            return;
        }
        LoadContextElement(Members.Memories, index);
        _il.Emit(OpCodes.Ldfld, Members.MemoryBuffer);
    }

    /// <summary>memory.size: the buffer's length in pages (its length is always the size in bytes).</summary>
    private void MemorySize(uint index)
    {
        LoadMemoryBuffer(index);
        _il.Emit(OpCodes.Ldlen);
        _il.Emit(OpCodes.Conv_I4);
        _il.Emit(OpCodes.Ldc_I4, 16);
        _il.Emit(OpCodes.Shr_Un);
        Push(Model.ValTypeKind.I32);
    }

    /// <summary>memory.grow: the delta on the stack, then the <see cref="Runtime.Memory"/> itself.</summary>
    private void MemoryGrow(uint index)
    {
        Need(1);
        if (index == 0)
        {
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldfld, Members.Memory0);
        }
        else
        {
            LoadContextElement(Members.Memories, index);
        }
        _il.Emit(OpCodes.Call, Members.Memory(nameof(MemoryOps.Grow)));
        // The result takes the delta's slot: that slot no longer holds the delta's constant (a
        // splat of it would otherwise rematerialize the delta; found by the differential fuzzer).
        _constants[^1] = null;
        // Reloaded whichever memory grew: a module may import one memory twice, so growing
        // memory N can replace memory 0's buffer too.
        ReloadMemory();
    }

    /// <summary>memory.copy: within one memory as memmove, else between two buffers.</summary>
    private void MemoryCopy(uint destination, uint source)
    {
        Need(3);
        LoadMemoryBuffer(destination);
        if (destination == source)
        {
            _il.Emit(OpCodes.Call, Members.Memory(nameof(MemoryOps.Copy)));
        }
        else
        {
            LoadMemoryBuffer(source);
            _il.Emit(OpCodes.Call, Members.Memory(nameof(MemoryOps.CopyBetween)));
        }
        Pop(3);
    }
}
