using System.Reflection.Emit;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Compilation;

// Which memory an instruction addresses (multi-memory). Memory 0 stays on the fast path: its
// base address and length are cached in the locals _memoryBase and _memoryLength, reloaded at
// entry, after calls and after memory.grow (the only points where either can change). Every other
// memory's base and length are loaded at each use through InstanceContext.Memories instead of
// being cached in locals of their own. That costs extra loads per access to memory N, but keeps
// the code for memory 0 what it was, needs no scan
// of the body to learn which memories it uses, and adds nothing to the reload after every call,
// which would otherwise grow with the number of memories for functions that never touch them.
internal sealed partial class FunctionCompiler
{
    /// <summary>Pushes the base address, then the length in bytes, of memory <paramref name="index"/>.</summary>
    private void LoadMemoryBuffer(MemoryIndex index)
    {
        if (index.Value == 0)
        {
            _il.Emit(OpCodes.Ldloc, _memoryBase!);
            _il.Emit(OpCodes.Ldloc, _memoryLength!);
            return;
        }
        LoadContextElement(Members.Memories, index.Value);
        _il.Emit(OpCodes.Ldfld, Members.MemoryBase);
        LoadMemoryLength(index);
    }

    /// <summary>Pushes what a load or store with static offset <paramref name="offset"/> passes
    /// its helper: the base address and the length. Under guard pages the length is a constant so
    /// large that the helper's compare is always false and the JIT removes it (checked in the
    /// disassembly of a loop); the access itself then faults past the memory's end. An offset too
    /// large for the guard region keeps the real length and the check. True when unchecked.</summary>
    private bool LoadMemoryForAccess(MemoryIndex index, ulong offset)
    {
        if (!_owner.GuardPages || offset > Runtime.GuardSlotPool.MaxUncheckedOffset)
        {
            LoadMemoryBuffer(index);
            return false;
        }
        if (index.Value == 0)
        {
            _il.Emit(OpCodes.Ldloc, _memoryBase!);
        }
        else
        {
            LoadContextElement(Members.Memories, index.Value);
            _il.Emit(OpCodes.Ldfld, Members.MemoryBase);
        }
        _il.Emit(OpCodes.Ldc_I8, long.MaxValue);
        return true;
    }

    private void LoadMemoryLength(MemoryIndex index)
    {
        if (index.Value == 0)
        {
            _il.Emit(OpCodes.Ldloc, _memoryLength!);
            return;
        }
        LoadContextElement(Members.Memories, index.Value);
        _il.Emit(OpCodes.Ldfld, Members.MemoryLength);
    }

    /// <summary>memory.size: the length in pages (below 2^31 bytes, so it fits an i32).</summary>
    private void MemorySize(MemoryIndex index)
    {
        LoadMemoryLength(index);
        _il.Emit(OpCodes.Conv_I4);
        _il.Emit(OpCodes.Ldc_I4, 16);
        _il.Emit(OpCodes.Shr_Un);
        Push(Model.ValTypeKind.I32);
    }

    /// <summary>memory.grow: the delta on the stack, then the <see cref="Runtime.Memory"/> itself.</summary>
    private void MemoryGrow(MemoryIndex index)
    {
        Need(1);
        if (index.Value == 0)
        {
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldfld, Members.Memory0);
        }
        else
        {
            LoadContextElement(Members.Memories, index.Value);
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
    private void MemoryCopy(MemoryIndex destination, MemoryIndex source)
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
