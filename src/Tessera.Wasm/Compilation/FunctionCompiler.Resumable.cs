using System.Collections;
using System.Reflection.Emit;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>How a function body is compiled with respect to suspension.</summary>
internal enum ResumeMode : byte
{
    /// <summary>Plain: no call of the function can suspend.</summary>
    None,
    /// <summary>The fast version of a resumable function: plain code plus an exit check after each
    /// call that may suspend, and an entry that hands a rewinding call to the resume copy.</summary>
    Fast,
    /// <summary>The resume copy: the same code entered only through the rewind dispatch.</summary>
    Resume,
}

// Resumable functions (Compilation/README.md, "Resumable functions"): the Asyncify protocol on the
// context's SuspendState, frames saved in the context's slot stacks. Each call site that may suspend
// is a numbered resume point; the fast version and the resume copy translate the same body, so they
// number the points identically.
internal sealed partial class FunctionCompiler
{
    /// <summary>Which calls may suspend; null when the module has no suspending import.</summary>
    internal CallGraph? Graph { get; init; }

    internal ResumeMode Mode { get; init; }

    /// <summary>Emit interrupt checks at the entry and at every loop head.</summary>
    internal bool Interruptible { get; init; }

    /// <summary>Loop heads of resumable versions may yield (<c>EngineOptions.Preemptible</c>).</summary>
    internal bool Preemptible { get; init; }

    /// <summary>Count fuel at entries and loop heads (<c>EngineOptions.Fuel</c>); the fuel check
    /// reads the interrupt flag too, in the same branch.</summary>
    internal bool Fuel { get; init; }

    private LocalBuilder? _fuelLeft;

    /// <summary>A call site that may suspend, or a loop head that may yield: where the resume copy
    /// re-enters (before the call, or after the loop head's check; the IL stack empty), and the
    /// shape of what is live there. A yield point ends the rewind itself: no import is called.</summary>
    /// <summary>A point where the frame may suspend; <paramref name="Live"/> says which locals it
    /// saves (null: all of them).</summary>
    private sealed record ResumePoint(Label Resume, Label Restore, ValTypeKind[] Stack, LocalBuilder? Callee, bool Yield = false, BitArray? Live = null)
    {
        /// <summary>Where the restored frame continues, when not at <see cref="Resume"/>: the
        /// rewinding call of a direct callee's resume version (resume copy only).</summary>
        public Label? Rewind { get; init; }
    }

    /// <summary>The locals live at each loop head and after each call (null: not analyzed, save all).</summary>
    private LocalLiveness? _liveness;

    /// <summary>Where the opcode being translated starts: the key of <see cref="_liveness"/>.</summary>
    private int _opcodeOffset;

    private readonly List<ResumePoint> _resumePoints = new();
    /// <summary>Code laid out after the function's last instruction, off the hot path.</summary>
    private readonly List<Action> _coldBlocks = new();
    /// <summary>The shared save code of each frame shape, and the local that tells it which point
    /// branched there.</summary>
    private readonly Dictionary<string, Label> _sharedSaves = new(StringComparer.Ordinal);
    private LocalBuilder? _pointIndex;
    private LocalBuilder? _slotBase;
    private LocalBuilder? _refBase;
    private LocalBuilder? _slotArray;

    private bool CallMaySuspend(FuncIndex functionIndex) => Mode != ResumeMode.None && Graph!.MaySuspend(functionIndex);

    private bool IndirectCallMaySuspend(TypeIndex typeIndex) => Mode != ResumeMode.None && Graph!.IndirectMaySuspend(typeIndex);

    /// <summary>After the stack check at entry: the interrupt check, and the entry of a resumable
    /// version (the fast version passes a rewinding call to the resume copy; the resume copy jumps to
    /// the rewind dispatch).</summary>
    private void EmitEntryChecks()
    {
        if (Fuel)
        {
            // A kill at entry is the stack check's; here only the fuel. Preemptible code goes on
            // with its fuel below zero and yields at its next loop head that can.
            var (interrupted, back) = EmitInterruptFlagTest();
            _coldBlocks.Add(() =>
            {
                _il.MarkLabel(interrupted);
                if (Preemptible) _il.Emit(OpCodes.Br, back);
                else EmitOutOfFuelTrap(back);
            });
        }
        // No interrupt check here: the stack check before it is also the kill check at entry.
        // A function only ever called directly is never entered rewinding (its callers' resume
        // copies call its resume copy), so it needs no rewind check: one load and branch less per
        // call (docs/benchmarks.md, Tasks).
        if (Mode == ResumeMode.Fast && Graph!.Escapes(_functionIndex))
        {
            var rewind = _il.DefineLabel();
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldfld, Members.SuspendState);
            _il.Emit(OpCodes.Brtrue, rewind);
            _coldBlocks.Add(() =>
            {
                _il.MarkLabel(rewind);
                int arguments = 1 + _type.Parameters.Length + Math.Max(0, _type.Results.Length - 1);
                for (int i = 0; i < arguments; i++) _il.Emit(OpCodes.Ldarg, i);
                _il.Emit(OpCodes.Call, _owner.ResumeMethod(_function));
                _il.Emit(OpCodes.Ret);
            });
        }
        else if (Mode == ResumeMode.Resume)
        {
            var dispatch = _il.DefineLabel();
            _il.Emit(OpCodes.Br, dispatch);
            _coldBlocks.Add(() => EmitDispatch(dispatch));
        }
    }

    /// <summary>A volatile load of the interrupt flag (DESIGN: without <c>volatile.</c> the JIT
    /// hoists it out of loops) and, out of line, the trap for a kill. The out-of-line block throws
    /// or branches back, never calls and returns: a path that came back into the loop from a call
    /// would put a call inside it, and a loop with a call was measured up to 3.4x slower (matmul),
    /// against a few percent for this shape.</summary>
    private void EmitInterruptCheck()
    {
        if (!Interruptible) return;
        var (interrupted, back) = EmitInterruptFlagTest();
        _coldBlocks.Add(() =>
        {
            // Only a kill stops here; a yield request waits for a loop head that can yield. Out of
            // fuel: a trap, unless preemptible (then as a yield request).
            if (!Fuel || Preemptible)
            {
                EmitKillTrap(interrupted, back);
                return;
            }
            var outOfFuel = _il.DefineLabel();
            EmitKillTrap(interrupted, outOfFuel);
            _il.MarkLabel(outOfFuel);
            EmitOutOfFuelTrap(back);
        });
    }

    /// <summary>Traps with <see cref="TrapKind.OutOfFuel"/> when the fuel is below zero; else (the
    /// path was taken for a yield request, meaningless here) goes on at <paramref name="back"/>.</summary>
    private void EmitOutOfFuelTrap(Label back)
    {
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldfld, Members.Fuel);
        _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Conv_I8);
        _il.Emit(OpCodes.Bge, back);
        _il.Emit(OpCodes.Ldc_I4, (int)TrapKind.OutOfFuel);
        _il.Emit(OpCodes.Call, Members.TrapCreate);
        _il.Emit(OpCodes.Throw);
    }

    /// <summary>The hot part of every interrupt check: a volatile load of the flag and a branch to
    /// <c>interrupted</c> (placed out of line by the caller) when it is set; <c>back</c> is where
    /// the cold path returns to go on.</summary>
    private (Label Interrupted, Label Back) EmitInterruptFlagTest()
    {
        var interrupted = _il.DefineLabel();
        var back = _il.DefineLabel();
        if (Fuel)
        {
            // ctx.Fuel -= 1; out of line when it goes below zero or the interrupt flag is set, in
            // one branch: fuel | -flag is negative if either is. The flag must be read here: an
            // interrupting thread that wrote the fuel instead would race with this subtraction
            // and could lose (a killed loop with fuel to spare spun on, found by FuelTests).
            _fuelLeft ??= DeclareLocal(typeof(long));
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldfld, Members.Fuel);
            _il.Emit(OpCodes.Ldc_I4_1);
            _il.Emit(OpCodes.Conv_I8);
            _il.Emit(OpCodes.Sub);
            _il.Emit(OpCodes.Dup);
            _il.Emit(OpCodes.Stloc, _fuelLeft);
            _il.Emit(OpCodes.Stfld, Members.Fuel);
            _il.Emit(OpCodes.Ldloc, _fuelLeft);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Volatile);
            _il.Emit(OpCodes.Ldfld, Members.Interrupt);
            _il.Emit(OpCodes.Neg);
            _il.Emit(OpCodes.Conv_I8);
            _il.Emit(OpCodes.Or);
            _il.Emit(OpCodes.Ldc_I4_0);
            _il.Emit(OpCodes.Conv_I8);
            _il.Emit(OpCodes.Blt, interrupted);
            _il.MarkLabel(back);
            return (interrupted, back);
        }
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Volatile);
        _il.Emit(OpCodes.Ldfld, Members.Interrupt);
        _il.Emit(OpCodes.Brtrue, interrupted);
        _il.MarkLabel(back);
        return (interrupted, back);
    }

    /// <summary>The cold path of an interrupt check, at <paramref name="interrupted"/>: a kill
    /// traps with <see cref="TrapKind.Interrupted"/>; any other request goes to <paramref name="otherwise"/>.</summary>
    private void EmitKillTrap(Label interrupted, Label otherwise)
    {
        _il.MarkLabel(interrupted);
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Volatile);
        _il.Emit(OpCodes.Ldfld, Members.Interrupt);
        _il.Emit(OpCodes.Ldc_I4, InstanceContext.InterruptKill);
        _il.Emit(OpCodes.Bne_Un, otherwise);
        _il.Emit(OpCodes.Ldc_I4, (int)TrapKind.Interrupted);
        _il.Emit(OpCodes.Call, Members.TrapCreate);
        _il.Emit(OpCodes.Throw);
    }

    /// <summary>At a loop head: a yield point in a preemptible resumable version, else the
    /// interrupt check.</summary>
    private void EmitLoopCheck()
    {
        if (Preemptible && Mode != ResumeMode.None) EmitYieldCheck();
        else EmitInterruptCheck();
    }

    /// <summary>
    /// The interrupt check of a loop head that may yield. Out of line: a kill traps; a yield request
    /// suspends the call (save this frame, return) when this is the suspendable call's own entry
    /// depth, and is ignored for now otherwise (a host frame in between; the check sees it again at
    /// the next iteration). Neither path comes back into the loop through a call.
    /// </summary>
    private void EmitYieldCheck()
    {
        var (interrupted, back) = EmitInterruptFlagTest();
        var point = new ResumePoint(back, _il.DefineLabel(), _stack.ToArray(), null, Yield: true, _liveness?.At(_opcodeOffset));
        int index = _resumePoints.Count;
        _resumePoints.Add(point);
        _coldBlocks.Add(() =>
        {
            var yield = _il.DefineLabel();
            EmitKillTrap(interrupted, yield);
            _il.MarkLabel(yield);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldfld, Members.SuspendableDepth);
            _il.Emit(OpCodes.Brfalse, back);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldfld, Members.SuspendableDepth);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldfld, Members.ContextStore);
            _il.Emit(OpCodes.Ldfld, Members.EntryDepth);
            _il.Emit(OpCodes.Bne_Un, back);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldc_I4, InstanceContext.SuspendUnwinding);
            _il.Emit(OpCodes.Stfld, Members.SuspendState);
            EmitSaveFrameAndReturn(point, index);
        });
    }

    /// <summary>Emits the cold blocks once the body is done.</summary>
    private void EmitColdBlocks()
    {
        // A cold block may add another (none does today); index so that would still work.
        for (int i = 0; i < _coldBlocks.Count; i++) _coldBlocks[i]();
    }

    /// <summary>
    /// A call that may suspend. The operand stack (arguments included) is spilled. The resume copy
    /// re-enters just before the call with every local, operand and the callee restored, and makes
    /// the call again: a WebAssembly callee rewinds its own frame, a suspending import completes.
    /// After the call a non-normal state means the callee suspended: save this frame and return.
    /// Results after the first land in temporaries, not in the operand homes, because those homes
    /// may hold the arguments the frame must save.
    /// </summary>
    private void EmitResumableCall(FuncType type, LocalBuilder? callee, System.Reflection.MethodInfo? direct, bool tail, bool import = false, DefinedFuncIndex? directDefined = null)
    {
        // In the resume copy a direct callee is rewound through its own resume copy, not through
        // its fast version's entry check (which functions called only directly do not have).
        Label? rewind = Mode == ResumeMode.Resume && direct is not null ? _il.DefineLabel() : null;
        var point = new ResumePoint(_il.DefineLabel(), _il.DefineLabel(), _stack.ToArray(), callee, Live: _liveness?.At(_opcodeOffset)) { Rewind = rewind };
        int index = _resumePoints.Count;
        _resumePoints.Add(point);
        _il.MarkLabel(point.Resume);

        int first = _stack.Count - type.Parameters.Length;
        var extra = new LocalBuilder[type.Results.Length];
        for (int r = 1; r < extra.Length; r++) extra[r] = DeclareLocal(ClrType(type.Results[r].Kind));
        void PushArguments()
        {
            for (int i = 0; i < type.Parameters.Length; i++) _il.Emit(OpCodes.Ldloc, Home(first + i, type.Parameters[i].Kind));
            for (int r = 1; r < extra.Length; r++) _il.Emit(OpCodes.Ldloca, extra[r]);
        }
        if (callee is not null)
        {
            EmitCalleeCall(callee, type, import, PushArguments, tail: false);
        }
        else
        {
            _il.Emit(OpCodes.Ldarg_0);
            PushArguments();
            _il.Emit(OpCodes.Call, direct!);
        }
        if (rewind is { } rewindCall)
        {
            var afterCall = _il.DefineLabel();
            _il.MarkLabel(afterCall);
            var resume = _owner.ResumeMethod(directDefined ?? throw new InvalidOperationException("a direct resumable call names its callee"));
            _coldBlocks.Add(() =>
            {
                _il.MarkLabel(rewindCall);
                _il.Emit(OpCodes.Ldarg_0);
                PushArguments();
                _il.Emit(OpCodes.Call, resume);
                _il.Emit(OpCodes.Br, afterCall);
            });
        }

        var unwind = _il.DefineLabel();
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldfld, Members.SuspendState);
        _il.Emit(OpCodes.Brtrue, unwind);
        bool hasResult = type.Results.Length > 0;
        _coldBlocks.Add(() =>
        {
            _il.MarkLabel(unwind);
            if (hasResult) _il.Emit(OpCodes.Pop);
            EmitSaveFrameAndReturn(point, index);
        });

        Pop(type.Parameters.Length);
        if (type.Results.Length == 1) Push(type.Results[0].Kind);
        else if (type.Results.Length > 1)
        {
            _il.Emit(OpCodes.Stloc, Home(first, type.Results[0].Kind));
            for (int r = 1; r < extra.Length; r++)
            {
                _il.Emit(OpCodes.Ldloc, extra[r]);
                _il.Emit(OpCodes.Stloc, Home(first + r, type.Results[r].Kind));
            }
            foreach (var r in type.Results) Push(r.Kind);
            _ilDepth = 0;
        }
        ReloadMemory();
        // return_call in a resumable function is a call and a return: the frame must stay to be
        // saved if the callee suspends (Compilation/README.md).
        if (tail) Branch((uint)_frames.Count - 1);
    }

    /// <summary>The values a frame saves at <paramref name="point"/>, in order: the locals, the
    /// operand stack, then the callee of a call through a <see cref="Func"/>.</summary>
    private IEnumerable<(ValTypeKind Kind, Action Load, Action<Action> Store)> FrameValues(ResumePoint point)
    {
        for (int i = 0; i < _localTypes.Length; i++)
        {
            // A local dead here is written before it is read on every path from here.
            if (point.Live is { } live && !live[i]) continue;
            int n = i;
            var local = _locals[n];
            yield return (_localTypes[n].Kind,
                () => { if (local is null) _il.Emit(OpCodes.Ldarg, n + 1); else _il.Emit(OpCodes.Ldloc, local); },
                load => { load(); if (local is null) _il.Emit(OpCodes.Starg, n + 1); else _il.Emit(OpCodes.Stloc, local); }
            );
        }
        for (int i = 0; i < point.Stack.Length; i++)
        {
            var home = Home(i, point.Stack[i]);
            yield return (point.Stack[i], () => _il.Emit(OpCodes.Ldloc, home), load => { load(); _il.Emit(OpCodes.Stloc, home); });
        }
        if (point.Callee is { } callee)
        {
            yield return (ValTypeKind.Ref, () => _il.Emit(OpCodes.Ldloc, callee),
                load => { load(); _il.Emit(OpCodes.Castclass, typeof(Func)); _il.Emit(OpCodes.Stloc, callee); }
            );
        }
    }

    private static int SlotCount(ValTypeKind kind) => kind switch { ValTypeKind.Ref => 0, ValTypeKind.V128 => 2, _ => 1 };

    private void DeclareFrameLocals()
    {
        _slotBase ??= DeclareLocal(typeof(int));
        _refBase ??= DeclareLocal(typeof(int));
        _slotArray ??= DeclareLocal(typeof(long[]));
    }

    /// <summary>Pops a frame's value slots and reference slots with the given
    /// <see cref="ResumeOps"/> helpers when restoring it, keeping where each begins, and caches
    /// the slot array. (Saving is <see cref="FrameSavers"/>'.)</summary>
    private void EmitFrameBases(string slotsHelper, int slots, string refsHelper, int refs)
    {
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldc_I4, slots);
        _il.Emit(OpCodes.Call, Members.Resume(slotsHelper));
        _il.Emit(OpCodes.Stloc, _slotBase!);
        if (refs > 0)
        {
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldc_I4, refs);
            _il.Emit(OpCodes.Call, Members.Resume(refsHelper));
            _il.Emit(OpCodes.Stloc, _refBase!);
        }
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldfld, Members.Slots);
        _il.Emit(OpCodes.Stloc, _slotArray!);
    }

    /// <summary>
    /// Saves the frame and returns, through code shared by every point of the same shape (the
    /// same operand stack and callee local: they save the same values). The point only records its
    /// number and branches there, so a function with many loop heads or calls has one copy of the
    /// save code per shape, not per point: the method stays small enough for the JIT to optimize
    /// its hot loops as it would the plain function's.
    /// </summary>
    private void EmitSaveFrameAndReturn(ResumePoint point, int index)
    {
        string shape = string.Join(',', point.Stack) + (point.Callee is { } callee ? "|" + callee.LocalIndex : "") + "|" + LiveText(point.Live);
        if (!_sharedSaves.TryGetValue(shape, out var save))
        {
            save = _il.DefineLabel();
            _sharedSaves[shape] = save;
            _pointIndex ??= DeclareLocal(typeof(int));
            _coldBlocks.Add(() =>
            {
                // One call to the shape's saver (FrameSavers: why not inline stores), then return.
                _il.MarkLabel(save);
                var values = FrameValues(point).ToList();
                var kinds = new ValTypeKind[values.Count];
                _il.Emit(OpCodes.Ldarg_0);
                _il.Emit(OpCodes.Ldloc, _pointIndex);
                for (int i = 0; i < kinds.Length; i++)
                {
                    kinds[i] = values[i].Kind;
                    values[i].Load();
                }
                _il.Emit(OpCodes.Call, _owner.Savers.For(kinds));
                EmitDefaultReturn();
            });
        }
        _il.Emit(OpCodes.Ldc_I4, index);
        _il.Emit(OpCodes.Stloc, _pointIndex!);
        _il.Emit(OpCodes.Br, save);
    }

    private static string LiveText(BitArray? live)
    {
        if (live is null) return "all";
        var text = new System.Text.StringBuilder(live.Length);
        foreach (bool bit in live) text.Append(bit ? '1' : '0');
        return text.ToString();
    }

    /// <summary>The rewind dispatch of the resume copy: pop the resume point, restore that point's
    /// frame, and jump to the call it was suspended in.</summary>
    private void EmitDispatch(Label dispatch)
    {
        _il.MarkLabel(dispatch);
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Call, Members.Resume(nameof(ResumeOps.PopResumePoint)));
        _il.Emit(OpCodes.Switch, _resumePoints.Select(p => p.Restore).ToArray());
        _il.Emit(OpCodes.Call, Members.Resume(nameof(ResumeOps.Corrupt)));
        _il.Emit(OpCodes.Ldnull);
        _il.Emit(OpCodes.Throw);
        foreach (var point in _resumePoints) EmitRestoreFrame(point);
    }

    private void EmitRestoreFrame(ResumePoint point)
    {
        DeclareFrameLocals();
        _il.MarkLabel(point.Restore);
        var values = FrameValues(point).ToList();
        int slots = values.Sum(v => SlotCount(v.Kind));
        int refs = values.Count(v => v.Kind == ValTypeKind.Ref);
        EmitFrameBases(nameof(ResumeOps.PopSlots), slots, nameof(ResumeOps.PopRefs), refs);
        int slot = 0, reference = 0;
        foreach (var (kind, _, store) in values)
        {
            if (kind == ValTypeKind.Ref)
            {
                int r = reference++;
                store(() =>
                {
                    _il.Emit(OpCodes.Ldarg_0);
                    EmitIndex(_refBase!, r);
                    _il.Emit(OpCodes.Call, Members.Resume(nameof(ResumeOps.TakeRef)));
                });
                continue;
            }
            int s = slot;
            slot += SlotCount(kind);
            store(() =>
            {
                _il.Emit(OpCodes.Ldloc, _slotArray!);
                EmitIndex(_slotBase!, s);
                _il.Emit(OpCodes.Ldelem_I8);
                if (kind != ValTypeKind.V128)
                {
                    EmitFromBits(kind);
                    return;
                }
                _il.Emit(OpCodes.Ldloc, _slotArray!);
                EmitIndex(_slotBase!, s + 1);
                _il.Emit(OpCodes.Ldelem_I8);
                _il.Emit(OpCodes.Call, Members.Resume(nameof(ResumeOps.Vector)));
            });
        }
        if (point.Yield)
        {
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldc_I4, InstanceContext.SuspendNormal);
            _il.Emit(OpCodes.Stfld, Members.SuspendState);
        }
        _il.Emit(OpCodes.Br, point.Rewind ?? point.Resume);
    }

    private void EmitIndex(LocalBuilder @base, int offset)
    {
        _il.Emit(OpCodes.Ldloc, @base);
        if (offset == 0) return;
        _il.Emit(OpCodes.Ldc_I4, offset);
        _il.Emit(OpCodes.Add);
    }

    /// <summary>Returns a zero first result (the caller is unwinding too and ignores it).</summary>
    private void EmitDefaultReturn()
    {
        if (_type.Results.Length > 0) _il.Emit(OpCodes.Ldloc, DeclareLocal(ClrType(_type.Results[0].Kind)));
        _il.Emit(OpCodes.Ret);
    }
}
