using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Validation;

/// <summary>
/// Decodes and type-checks one function body in a single pass, following the spec's appendix
/// "Validation Algorithm": an operand stack of value types in which <c>default(ValType)</c>
/// (kind 0) is the algorithm's Unknown, and a control stack of frames (block, loop, if, else and
/// the function itself) recording label types, the operand height at entry and whether the rest of
/// the block is unreachable.
/// </summary>
/// <remarks>
/// <para>Allocation: the operand stack, control stack, local types and scratch space are arrays
/// owned by this instance, grown by doubling and reused for every function of every module that
/// the thread validates (<see cref="Rent"/>/<see cref="Return"/>). Checking an instruction
/// allocates nothing; the error path allocates its message.</para>
/// <para>Invariants: <c>_height</c> and <c>_unreachable</c> mirror the innermost frame;
/// <c>_sp &gt;= _height</c>; a span returned by <see cref="LabelTypes"/> may point into
/// <c>_frames</c> and is used before the control stack changes.</para>
/// </remarks>
internal sealed partial class FunctionValidator
{
    private const int MaxRetainedStack = 1 << 16;

    /// <summary>Implementation limit on the operand stack height of a function (spec appendix
    /// "Implementation Limitations"); real compilers stay far below it.</summary>
    internal const int MaxOperandStack = 1 << 20;

    [ThreadStatic] private static FunctionValidator? t_cached;

    private ValType[] _stack = new ValType[128];
    private int _sp;
    private Frame[] _frames = new Frame[32];
    private int _fp;
    private int _framesHighWater;
    private int _height;
    private bool _unreachable;
    private ValType[] _scratch = new ValType[16];

    private ValType[] _locals = new ValType[64];
    private int _expandedLocals;
    private ulong _localCount;
    private ulong[] _runEnds = [];
    private ValType[] _runTypes = [];
    private int _runCount;

    private ModuleContext _ctx = null!;
    private WasmFeatures _features;
    private FuncType _type = null!;
    private FuncIndex _funcIndex;
    private int _offset;

    private enum FrameKind : byte { Function, Block, Loop, If, Else }

    private enum BlockShape : byte { Empty, Single, Signature }

    /// <summary>A control frame. Its label types are its start types for a loop, else its end types.</summary>
    private struct Frame
    {
        public FuncType? Signature;
        public ValType Single;
        public int Height;
        public FrameKind Kind;
        public BlockShape Shape;
        public bool Unreachable;
    }

    /// <summary>Takes this thread's cached validator, or a new one.</summary>
    public static FunctionValidator Rent()
    {
        var v = t_cached ?? new FunctionValidator();
        t_cached = null;
        return v;
    }

    /// <summary>Drops references into the module and caches <paramref name="v"/> for the thread's next module.</summary>
    public static void Return(FunctionValidator v)
    {
        Array.Clear(v._frames, 0, v._framesHighWater);
        v._framesHighWater = 0;
        v._ctx = null!;
        v._type = null!;
        if (v._stack.Length > MaxRetainedStack) v._stack = new ValType[128];
        if (v._locals.Length > MaxRetainedStack) v._locals = new ValType[64];
        if (v._frames.Length > MaxRetainedStack) v._frames = new Frame[32];
        if (v._runEnds.Length > MaxRetainedStack) (v._runEnds, v._runTypes) = ([], []);
        t_cached = v;
    }

    /// <summary>Validates the body of defined function <paramref name="function"/> of the context's module.</summary>
    public void Validate(ModuleContext ctx, DefinedFuncIndex function)
    {
        _ctx = ctx;
        _features = ctx.Features;
        var module = ctx.Module;
        _funcIndex = module.ToIndex(function);
        _type = ctx.FunctionTypes[_funcIndex.Value];
        var body = module.Body(function);
        _offset = body.CodeOffset;
        SetUpLocals(body);

        _sp = 0;
        _fp = 0;
        // The stack's capacity never exceeds the engine's height limit, so the push that would
        // pass it is one that must grow the stack, and the check costs nothing per push.
        if (_stack.Length > ctx.MaxOperandStackHeight) _stack = new ValType[ctx.MaxOperandStackHeight];
        PushFrame(FrameKind.Function, BlockShape.Signature, default, _type);
        var reader = new WasmReader(body.Code.Span, body.CodeOffset, "unexpected end");
        Run(ref reader);
    }

    /// <summary>The instruction loop. Fixed-signature instructions are checked inline; the rest go
    /// through <see cref="Dispatch"/>. Returns after the <c>end</c> that closes the function.</summary>
    private void Run(ref WasmReader r)
    {
        while (true)
        {
            _offset = r.Offset;
            byte b = r.ReadByte();
            ref readonly OpEntry e = ref OperatorTable.Single(b);
            if (e.Handler == OpHandler.Simple && (e.Feature & _features) != 0)
            {
                ApplySignature(in e);
                continue;
            }
            if (!Dispatch(ref r, b, in e)) return;
        }
    }

    /// <summary>Every instruction but the fixed-signature ones without immediates. The frequent
    /// special instructions are handled here; the rare ones in <see cref="Special"/>.</summary>
    private bool Dispatch(ref WasmReader r, byte b, ref readonly OpEntry entry)
    {
        ref readonly OpEntry e = ref entry;
        if (e.Handler == OpHandler.Prefix) e = ref OperatorTable.Prefixed(b, r.ReadU32());
        if ((e.Feature & _features) == 0) IllegalOrDisabled(b, in e);
        switch (e.Handler)
        {
            case OpHandler.Simple:
                ApplySignature(in e);
                return true;
            case OpHandler.Constant:
                SkipConstant(ref r, e.Immediate);
                ApplySignature(in e);
                return true;
            case OpHandler.LocalGet:
                Push(LocalType(r.ReadLocalIndex()));
                return true;
            case OpHandler.LocalSet:
                Pop(LocalType(r.ReadLocalIndex()));
                return true;
            case OpHandler.LocalTee:
                {
                    var type = LocalType(r.ReadLocalIndex());
                    Pop(type);
                    Push(type);
                    return true;
                }
            case OpHandler.GlobalGet:
                Push(Global(r.ReadGlobalIndex()).Type);
                return true;
            case OpHandler.Drop:
                Pop();
                return true;
            case OpHandler.Call:
                {
                    var callee = Function(r.ReadFuncIndex());
                    PopValues(callee.Parameters.AsSpan());
                    PushValues(callee.Results.AsSpan());
                    return true;
                }
            case OpHandler.Block:
                EnterBlock(ref r, FrameKind.Block);
                return true;
            case OpHandler.Loop:
                EnterBlock(ref r, FrameKind.Loop);
                return true;
            case OpHandler.If:
                EnterBlock(ref r, FrameKind.If);
                return true;
            case OpHandler.End:
                return End(ref r);
            case OpHandler.Br:
                PopValues(LabelTypes(ref Label(r.ReadU32())));
                SetUnreachable();
                return true;
            case OpHandler.BrIf:
                {
                    ref var label = ref Label(r.ReadU32());
                    PopKind(ValTypeKind.I32);
                    var types = LabelTypes(ref label);
                    PopValues(types);
                    PushValues(types);
                    return true;
                }
            case OpHandler.Lane:
                if (r.ReadByte() >= e.LaneCount) FailLane(e.Info!.Name, e.LaneCount);
                ApplySignature(in e);
                return true;
            case OpHandler.Shuffle:
                foreach (byte lane in r.ReadBytes(16))
                {
                    if (lane >= 32) FailLane("i8x16.shuffle", 32);
                }
                ApplySignature(in e);
                return true;
            case OpHandler.MemArg:
            case OpHandler.MemArgLane:
                MemoryAccess(ref r, in e);
                return true;
            default:
                return Special(ref r, e.Info!);
        }
    }

    /// <summary>Reads the immediate of a constant instruction, which needs no check beyond its encoding.</summary>
    private static void SkipConstant(ref WasmReader r, ImmediateKind kind)
    {
        switch (kind)
        {
            case ImmediateKind.I32:
                if (r.PeekByte() < 0x80) r.ReadByte();
                else r.ReadS32();
                break;
            case ImmediateKind.I64:
                if (r.PeekByte() < 0x80) r.ReadByte();
                else r.ReadS64();
                break;
            case ImmediateKind.F32: r.ReadBytes(4); break;
            case ImmediateKind.F64: r.ReadBytes(8); break;
            default: r.ReadBytes(16); break;
        }
    }

    /// <summary>Pops and pushes by a fixed signature of number and vector types.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ApplySignature(ref readonly OpEntry e)
    {
        switch (e.PopCount)
        {
            case 3: PopKind(e.Pop2); goto case 2;
            case 2: PopKind(e.Pop1); goto case 1;
            case 1: PopKind(e.Pop0); break;
        }
        if (e.Push.Kind != 0) Push(e.Push);
    }

    /// <summary>Loads and stores: memarg checks, then the signature with the memory's address type
    /// in place of the first operand.</summary>
    private void MemoryAccess(ref WasmReader r, ref readonly OpEntry e)
    {
        var arg = r.ReadMemArg(_ctx.MultiMemory, _ctx.Memory64);
        int lane = e.Handler == OpHandler.MemArgLane ? r.ReadByte() : 0;
        bool is64 = Memory(arg.Memory).Limits.Is64;
        if (arg.AlignLog2 > (uint)e.NaturalAlignmentLog2) FailAlignment(in e, arg.AlignLog2);
        if (!is64 && arg.Offset > uint.MaxValue) FailOffset(arg.Offset);
        if (e.Handler == OpHandler.MemArgLane && lane >= e.LaneCount) FailLane(e.Info!.Name, e.LaneCount);
        switch (e.PopCount)
        {
            case 3: PopKind(e.Pop2); goto case 2;
            case 2: PopKind(e.Pop1); break;
        }
        PopKind(is64 ? ValTypeKind.I64 : ValTypeKind.I32);
        if (e.Push.Kind != 0) Push(e.Push);
    }

    // ---- operand stack -------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Push(ValType type)
    {
        if ((uint)_sp >= (uint)_stack.Length) GrowStack(1);
        _stack[_sp++] = type;
    }

    private void PushValues(ReadOnlySpan<ValType> types)
    {
        if (_sp + types.Length > _stack.Length) GrowStack(types.Length);
        types.CopyTo(_stack.AsSpan(_sp));
        _sp += types.Length;
    }

    /// <summary>Makes room for <paramref name="more"/> values. The height is capped
    /// (<see cref="MaxOperandStack"/>) so that a small body calling a function with many results
    /// over and over cannot make the validator allocate gigabytes.</summary>
    private void GrowStack(int more)
    {
        long needed = (long)_sp + more;
        if (needed > MaxOperandStack) FailStackLimit();
        if (needed > _ctx.MaxOperandStackHeight)
            throw new WasmLimitException("operand stack height", needed, _ctx.MaxOperandStackHeight, $"function {_funcIndex} at byte 0x{_offset:x}");
        Array.Resize(ref _stack, (int)Math.Min(Math.Min(MaxOperandStack, _ctx.MaxOperandStackHeight), Math.Max(needed, 2L * _stack.Length)));
    }

    /// <summary>Pops a value expected to be of number or vector kind <paramref name="expected"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PopKind(ValTypeKind expected)
    {
        int sp = _sp;
        if (sp > _height)
        {
            _sp = sp - 1;
            var actual = _stack[sp - 1].Kind;
            if (actual != expected && actual != 0) FailMismatch(expected, _stack[sp - 1]);
            return;
        }
        if (!_unreachable) FailUnderflow(expected);
    }

    /// <summary>Pops a value of any type; Unknown in unreachable code.</summary>
    private ValType Pop()
    {
        if (_sp > _height) return _stack[--_sp];
        if (!_unreachable) FailUnderflow(default(ValType));
        return default;
    }

    /// <summary>Pops a value that must match <paramref name="expected"/>; returns the actual type.</summary>
    private ValType Pop(ValType expected)
    {
        if (_sp > _height)
        {
            var actual = _stack[--_sp];
            if ((actual.Kind != expected.Kind || actual.Kind == ValTypeKind.Ref) && !Matches(actual, expected)) FailMismatch(expected, actual);
            return actual;
        }
        if (!_unreachable) FailUnderflow(expected);
        return default;
    }

    private void PopValues(ReadOnlySpan<ValType> types)
    {
        for (int i = types.Length - 1; i >= 0; i--) Pop(types[i]);
    }

    /// <summary>The spec's <c>push_vals(pop_vals(types))</c>: checks the top of the stack against
    /// <paramref name="types"/> and leaves it holding the actual types (Unknown where the
    /// unreachable stack supplied them).</summary>
    private void PopValuesKeep(ReadOnlySpan<ValType> types)
    {
        int n = types.Length;
        if (_sp - _height >= n)
        {
            for (int i = 0; i < n; i++)
            {
                var actual = _stack[_sp - n + i];
                if (!Matches(actual, types[i])) FailMismatch(types[i], actual);
            }
            return;
        }
        if (_scratch.Length < n) _scratch = new ValType[Math.Max(n, _scratch.Length * 2)];
        for (int i = n - 1; i >= 0; i--) _scratch[i] = Pop(types[i]);
        PushValues(_scratch.AsSpan(0, n));
    }

    /// <summary>Subtyping <paramref name="actual"/> &lt;: <paramref name="expected"/>, with Unknown matching everything.</summary>
    internal bool Matches(ValType actual, ValType expected) => Subtyping.Matches(_ctx, actual, expected);

    // ---- control stack -------------------------------------------------------------------------

    private void PushFrame(FrameKind kind, BlockShape shape, ValType single, FuncType? signature)
    {
        if (_fp == _frames.Length) Array.Resize(ref _frames, _frames.Length * 2);
        ref var f = ref _frames[_fp++];
        if (_fp > _framesHighWater) _framesHighWater = _fp;
        // The function's own frame is not a nesting level.
        if (_fp - 1 > _ctx.MaxNestingDepth)
            throw new WasmLimitException("nesting depth of blocks", _fp - 1, _ctx.MaxNestingDepth, $"function {_funcIndex} at byte 0x{_offset:x}");
        f.Kind = kind;
        f.Shape = shape;
        f.Single = single;
        f.Signature = signature;
        f.Height = _sp;
        f.Unreachable = false;
        _height = _sp;
        _unreachable = false;
        if (shape == BlockShape.Signature && kind != FrameKind.Function) PushValues(signature!.Parameters.AsSpan());
    }

    /// <summary>Checks the end types of the innermost frame and removes it; returns a copy.</summary>
    private Frame PopFrame()
    {
        ref var top = ref _frames[_fp - 1];
        PopValues(EndTypes(ref top));
        if (_sp != top.Height) FailExtraValues(_sp - top.Height, top.Kind);
        var copy = top;
        _fp--;
        if (_fp > 0)
        {
            ref var outer = ref _frames[_fp - 1];
            _height = outer.Height;
            _unreachable = outer.Unreachable;
        }
        return copy;
    }

    /// <summary>The rest of the innermost block is unreachable: its stack becomes polymorphic.</summary>
    private void SetUnreachable()
    {
        _sp = _height;
        _unreachable = true;
        _frames[_fp - 1].Unreachable = true;
    }

    private static ReadOnlySpan<ValType> StartTypes(ref Frame f) =>
        f.Shape == BlockShape.Signature && f.Kind != FrameKind.Function ? f.Signature!.Parameters.AsSpan() : default;

    private static ReadOnlySpan<ValType> EndTypes(ref Frame f) => f.Shape switch
    {
        BlockShape.Single => MemoryMarshal.CreateReadOnlySpan(ref f.Single, 1),
        BlockShape.Signature => f.Signature!.Results.AsSpan(),
        _ => default,
    };

    private static ReadOnlySpan<ValType> LabelTypes(ref Frame f) => f.Kind == FrameKind.Loop ? StartTypes(ref f) : EndTypes(ref f);

    private ref Frame Label(uint depth)
    {
        if (depth >= (uint)_fp) FailUnknownLabel(depth);
        return ref _frames[_fp - 1 - (int)depth];
    }

    // ---- locals --------------------------------------------------------------------------------

    /// <summary>Prepares <see cref="LocalType"/>. Locals are expanded into an array when their
    /// number is small relative to the code (so the work stays linear in the module's size); a
    /// function declaring more, e.g. 2^32-1 locals in five bytes, is served by a binary search
    /// over its declaration runs.</summary>
    private void SetUpLocals(FunctionBody body)
    {
        var parameters = _type.Parameters;
        ulong total = (ulong)parameters.Length;
        foreach (var decl in body.Locals)
        {
            var problem = _ctx.CheckValType(decl.Type);
            if (problem != ValTypeProblem.None) ValTypeFailure(problem, decl.Type, "local");
            if (decl.Type.IsRef && !decl.Type.IsNullable) Unsupported(WasmFeatures.FunctionReferences, "non-nullable local");
            total += decl.Count;
        }
        _localCount = total;
        ulong expandLimit = 256 + 8 * (ulong)body.Code.Length;
        if (total <= expandLimit)
        {
            if ((ulong)_locals.Length < total) _locals = new ValType[Math.Max((int)total, _locals.Length * 2)];
            parameters.CopyTo(_locals.AsSpan());
            int n = parameters.Length;
            foreach (var decl in body.Locals)
            {
                _locals.AsSpan(n, (int)decl.Count).Fill(decl.Type);
                n += (int)decl.Count;
            }
            _expandedLocals = n;
            return;
        }
        _expandedLocals = 0;
        int runs = body.Locals.Length;
        if (_runEnds.Length < runs)
        {
            _runEnds = new ulong[runs];
            _runTypes = new ValType[runs];
        }
        ulong end = (ulong)parameters.Length;
        for (int i = 0; i < runs; i++)
        {
            end += body.Locals[i].Count;
            _runEnds[i] = end;
            _runTypes[i] = body.Locals[i].Type;
        }
        _runCount = runs;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ValType LocalType(LocalIndex local) =>
        local.Value < (uint)_expandedLocals ? _locals[local.Value] : LocalTypeSlow(local.Value);

    private ValType LocalTypeSlow(uint index)
    {
        if (index >= _localCount) FailUnknownLocal(index);
        var parameters = _type.Parameters;
        if (index < (uint)parameters.Length) return parameters[(int)index];
        int lo = 0, hi = _runCount - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (index < _runEnds[mid]) hi = mid;
            else lo = mid + 1;
        }
        return _runTypes[lo];
    }
}
