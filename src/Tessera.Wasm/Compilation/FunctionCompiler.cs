using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// Translates one validated function body to IL in a single pass over its instructions.
/// </summary>
/// <remarks>
/// Invariants of the translation:
/// <list type="bullet">
/// <item>The WebAssembly operand stack is modelled by its types (<see cref="_stack"/>). Position i
/// of that stack has a home, the IL local <c>Slot(i, type)</c>. The top <see cref="_ilDepth"/>
/// entries are on the IL evaluation stack; the rest are in their homes.</item>
/// <item>At every label and every branch the IL evaluation stack is empty (everything is spilled
/// to its home), so stack shapes agree at joins and loop heads, and a branch's values are moved by
/// copying homes: a label's values live in the homes starting at its frame's height.</item>
/// <item>Calls spill the whole operand stack first, which is also what the resumable form for
/// suspension needs (DESIGN: spill before a possibly-suspending call).</item>
/// <item>Memory 0's buffer is cached in a local, reloaded at entry, after every call and after
/// memory.grow; other memories are loaded at each use (FunctionCompiler.Memory.cs says why).</item>
/// <item>A rotate's result reaches no consumer but a rotate-safe one (<see cref="IsRotateSafe"/>)
/// without passing through <see cref="HideRotateResult"/>: <see cref="Need"/> hides the values it
/// hands to a consumer, and <see cref="SpillAll"/> hides every value on the stack at labels,
/// branches, calls and <c>global.set</c>.</item>
/// </list>
/// </remarks>
internal sealed partial class FunctionCompiler
{
    private enum FrameKind : byte { Function, Block, Loop, If }

    private sealed class Frame
    {
        public FrameKind Kind;
        public Label Label;
        public Label ElseLabel;
        public bool HasElse;
        public int Height;
        public ReadOnlyValues<ValType> Params = [];
        public ReadOnlyValues<ValType> Results = [];
        public LocalBuilder[]? SavedParams;
        public int BranchArity => Kind == FrameKind.Loop ? Params.Length : Results.Length;
    }

    private readonly ModuleDefinition _module;
    private readonly ModuleCompiler _owner;
    private readonly DefinedFuncIndex _function;
    private readonly FuncIndex _functionIndex;
    private readonly ILGenerator _il;
    private readonly FuncType _type;
    private readonly ValType[] _localTypes;
    private readonly LocalBuilder?[] _locals;
    private readonly List<ValTypeKind> _stack = new();
    /// <summary>Per stack entry, the bits of the constant that pushed it, if a constant did.</summary>
    private readonly List<ulong?> _constants = new();
    /// <summary>
    /// Per stack entry, whether the value may still be a rotate's result register to the JIT: a
    /// rotate's result, or the result of a rotate-safe operation on one (the JIT may fold
    /// <c>x | 0</c> and the like back to x). See <see cref="HideRotateResult"/>.
    /// </summary>
    private readonly List<bool> _rotated = new();
    private readonly List<Frame> _frames = new();
    private readonly Dictionary<(int, ValTypeKind), LocalBuilder> _homes = new();
    /// <summary>Memory 0's base address and length in bytes, cached (null without memories).</summary>
    private readonly LocalBuilder? _memoryBase, _memoryLength;
    /// <summary>Temporaries of a call of an import (<see cref="EmitCalleeCall"/>), declared at the first.</summary>
    private LocalBuilder? _calleeContext, _hostEntry;
    private int _ilDepth;

    public FunctionCompiler(ModuleCompiler owner, ModuleDefinition module, DefinedFuncIndex function, FuncType type, FunctionBody body, ILGenerator il)
    {
        _owner = owner;
        _module = module;
        _function = function;
        _functionIndex = module.ToIndex(function);
        _type = type;
        _il = il;
        long count = type.Parameters.Length + body.LocalCount;
        if (count > 50_000) throw new WasmUnsupportedFeatureException("more than 50000 locals", Where);
        _localTypes = new ValType[count];
        _locals = new LocalBuilder?[count];
        int n = 0;
        foreach (var p in type.Parameters) _localTypes[n++] = p;
        foreach (var decl in body.Locals)
        {
            for (uint i = 0; i < decl.Count; i++)
            {
                _localTypes[n] = decl.Type;
                _locals[n] = DeclareLocal(ClrType(decl.Type));
                n++;
            }
        }
        if (module.TotalMemoryCount > 0)
        {
            _memoryBase = DeclareLocal(typeof(nint));
            _memoryLength = DeclareLocal(typeof(long));
        }
    }

    private string Where => $"function {_functionIndex}";

    /// <summary>The CLR type that holds a value of <paramref name="type"/> in generated code.</summary>
    public static Type ClrType(ValType type) => type.Kind switch
    {
        ValTypeKind.I32 => typeof(int),
        ValTypeKind.I64 => typeof(long),
        ValTypeKind.F32 => typeof(float),
        ValTypeKind.F64 => typeof(double),
        ValTypeKind.V128 => typeof(Vector128<byte>),
        _ when type == ValType.FuncRef || type == ValType.ExternRef => typeof(object),
        _ => throw new WasmUnsupportedFeatureException("function-references", type + " value"),
    };

    internal static Type ClrType(ValTypeKind kind) => kind switch
    {
        ValTypeKind.I32 => typeof(int),
        ValTypeKind.I64 => typeof(long),
        ValTypeKind.F32 => typeof(float),
        ValTypeKind.F64 => typeof(double),
        ValTypeKind.Ref => typeof(object),
        ValTypeKind.V128 => typeof(Vector128<byte>),
        _ => throw new WasmUnsupportedFeatureException("function-references", kind + " value"),
    };

    // ---------------------------------------------------------------- operand stack model

    private LocalBuilder Home(int index, ValTypeKind kind)
    {
        if (!_homes.TryGetValue((index, kind), out var local))
        {
            local = DeclareLocal(ClrType(kind));
            _homes.Add((index, kind), local);
        }
        return local;
    }

    /// <summary>How many values may wait on the IL evaluation stack between two instructions
    /// before they are spilled to their homes (IL's max stack is a 16-bit count).</summary>
    internal const int MaxIlStackDepth = 4_096;

    /// <summary>IL locals of one method: <c>ldloc</c> and <c>stloc</c> take a 16-bit index.</summary>
    internal const int MaxIlLocals = 65_535;

    /// <summary>
    /// Declares an IL local: every local of a generated function is declared here, so none goes
    /// past <see cref="MaxIlLocals"/>. WebAssembly locals (at most <see cref="EngineLimits.MaxLocals"/>),
    /// operand-stack homes (up to one per height and kind) and temporaries share that budget; a
    /// body that exhausts it is refused while compiling, with a <see cref="WasmLimitException"/>,
    /// where the runtime would otherwise refuse the method with an
    /// <see cref="InvalidProgramException"/> at its first call.
    /// </summary>
    private LocalBuilder DeclareLocal(Type type)
    {
        var local = _il.DeclareLocal(type);
        if (local.LocalIndex >= MaxIlLocals)
            throw new WasmLimitException("IL locals of one compiled function (its locals, operand-stack homes and temporaries)", local.LocalIndex + 1L, MaxIlLocals, Where);
        return local;
    }

    /// <summary>
    /// Stores every value on the IL stack into its home and makes every rotate result on the stack
    /// opaque: used where values cross a label, a branch or a call, or leave for a global, whose
    /// consumers (a compare, an inlined callee) this compiler cannot see.
    /// </summary>
    private void SpillAll()
    {
        SpillIlStack();
        for (int i = 0; i < _stack.Count; i++)
        {
            if (_rotated[i]) HideRotateResultInHome(i);
        }
    }

    /// <summary>Stores every value on the IL stack into its home.</summary>
    private void SpillIlStack()
    {
        for (int i = _stack.Count - 1; i >= _stack.Count - _ilDepth; i--)
        {
            HideFloatConstant(i);
            _il.Emit(OpCodes.Stloc, Home(i, _stack[i]));
        }
        _ilDepth = 0;
    }

    /// <summary>
    /// Replaces a float constant on top of the IL stack (stack entry <paramref name="i"/>) with the
    /// same bits loaded from the module's constant table, which the JIT cannot see into. Used where a constant leaves the IL stack
    /// for a local, a home or a splat: from there the JIT would propagate it into a later
    /// <c>x * 1</c>, <c>x - 0</c> (in this function or, after inlining, a callee) and fold the
    /// operation away, returning a signaling NaN unquieted where WebAssembly requires an arithmetic
    /// NaN. A constant consumed straight off the IL stack is handled at its consumer instead
    /// (<see cref="HasIdentityConstant"/>).
    /// </summary>
    private void HideFloatConstant(int i)
    {
        if (_constants[i] is not { } bits) return;
        if (_stack[i] is ValTypeKind.F32 or ValTypeKind.F64) HideConstant(i);
    }

    /// <summary>Replaces the constant on top of the IL stack (entry <paramref name="i"/>, any
    /// numeric type) with the same value loaded from the module's constant table.</summary>
    private void HideConstant(int i)
    {
        if (_constants[i] is not { } bits) return;
        string? helper = _stack[i] switch
        {
            ValTypeKind.I32 => nameof(NumericOps.I32Constant),
            ValTypeKind.I64 => nameof(NumericOps.I64Constant),
            ValTypeKind.F32 => nameof(NumericOps.F32Constant),
            ValTypeKind.F64 => nameof(NumericOps.F64Constant),
            _ => null,
        };
        if (helper is null) return;
        _il.Emit(OpCodes.Pop);
        LoadConstantTable(_owner.AddConstant(bits));
        _il.Emit(OpCodes.Call, Members.Numeric(helper));
    }

    /// <summary>
    /// .NET 10's JIT drops a compare of a rotate's result register with zero that directly follows
    /// the <c>rol</c>/<c>ror</c>, believing the rotate set the zero flag (it does not): <c>eqz</c>,
    /// <c>if</c>, <c>br_if</c>, <c>select</c> and compares then read a stale flag (found by the
    /// differential fuzzer, docs/security.md). So a rotate result (entry <paramref name="i"/>, on top
    /// of the IL stack) is xor-ed with a zero the JIT cannot see (<see cref="OpaqueZero"/>) before it
    /// reaches any consumer that is not rotate-safe: the JIT cannot fold the xor, which sets the flags
    /// from the value. Rotates keep their plain counts, so <c>ror reg, imm</c> stays one instruction.
    /// </summary>
    private void HideRotateResult(int i)
    {
        _il.Emit(OpCodes.Ldsfld, _stack[i] == ValTypeKind.I64 ? Members.OpaqueZeroI64 : Members.OpaqueZeroI32);
        _il.Emit(OpCodes.Xor);
        _rotated[i] = false;
    }

    /// <summary><see cref="HideRotateResult"/> for entry <paramref name="i"/> in its home.</summary>
    private void HideRotateResultInHome(int i)
    {
        var home = Home(i, _stack[i]);
        _il.Emit(OpCodes.Ldloc, home);
        HideRotateResult(i);
        _il.Emit(OpCodes.Stloc, home);
    }

    /// <summary>
    /// Consumers that never test a rotate result operand against zero themselves: the integer
    /// arithmetic, bitwise, shift and rotate operations. Their own instruction sets the flags a later
    /// compare reads, unless the JIT folds them away (<c>x + 0</c>, <c>x &amp; -1</c>, a shift by 0),
    /// so their result counts as a rotate result when an operand is one.
    /// </summary>
    private static bool IsRotateSafe(Opcode op) => op is
        Opcode.I32Add or Opcode.I32Sub or Opcode.I32Mul or Opcode.I32And or Opcode.I32Or or Opcode.I32Xor or
        Opcode.I32Shl or Opcode.I32ShrS or Opcode.I32ShrU or Opcode.I32Rotl or Opcode.I32Rotr or
        Opcode.I64Add or Opcode.I64Sub or Opcode.I64Mul or Opcode.I64And or Opcode.I64Or or Opcode.I64Xor or
        Opcode.I64Shl or Opcode.I64ShrS or Opcode.I64ShrU or Opcode.I64Rotl or Opcode.I64Rotr;

    private static bool IsRotate(Opcode op) => op is Opcode.I32Rotl or Opcode.I32Rotr or Opcode.I64Rotl or Opcode.I64Rotr;

    /// <summary>Pushes the constant table and <paramref name="index"/>, the arguments of the
    /// table's load helpers.</summary>
    private void LoadConstantTable(int index)
    {
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldfld, Members.Constants);
        _il.Emit(OpCodes.Ldc_I4, index);
    }

    /// <summary>
    /// Makes the top <paramref name="count"/> values available on the IL stack for a consumer, every
    /// rotate result among them made opaque except the top <paramref name="keep"/>, which the
    /// consumer cannot test against zero (<see cref="HideRotateResult"/>).
    /// </summary>
    private void Need(int count, int keep = 0)
    {
        int first = _stack.Count - count, end = _stack.Count - keep;
        int rotated = 0;
        for (int i = first; i < end; i++)
        {
            if (_rotated[i]) rotated++;
        }
        if (rotated == 1 && keep == 0 && _rotated[^1])
        {
            // The usual case, a rotate result feeding eqz or a local: it ends up on top.
            Load(count);
            HideRotateResult(_stack.Count - 1);
            return;
        }
        if (rotated > 0)
        {
            SpillIlStack();
            for (int i = first; i < end; i++)
            {
                if (_rotated[i]) HideRotateResultInHome(i);
            }
        }
        Load(count);
    }

    /// <summary>Makes the top <paramref name="count"/> values available on the IL stack as they are.</summary>
    private void Load(int count)
    {
        if (_ilDepth >= count) return;
        SpillIlStack();
        for (int i = _stack.Count - count; i < _stack.Count; i++) _il.Emit(OpCodes.Ldloc, Home(i, _stack[i]));
        _ilDepth = count;
    }

    /// <summary>Whether one of the top <paramref name="count"/> values is a rotate result.</summary>
    private bool AnyRotated(int count)
    {
        for (int i = _stack.Count - count; i < _stack.Count; i++)
        {
            if (_rotated[i]) return true;
        }
        return false;
    }

    private void Pop(int count)
    {
        _stack.RemoveRange(_stack.Count - count, count);
        _constants.RemoveRange(_constants.Count - count, count);
        _rotated.RemoveRange(_rotated.Count - count, count);
        _ilDepth = Math.Max(0, _ilDepth - count);
    }

    private void Push(ValTypeKind kind, ulong? constant = null, bool rotated = false)
    {
        _constants.Add(constant);
        _rotated.Add(rotated);
        if (kind is not (ValTypeKind.I32 or ValTypeKind.I64 or ValTypeKind.F32 or ValTypeKind.F64 or ValTypeKind.Ref or ValTypeKind.V128))
            throw new WasmUnsupportedFeatureException("function-references", Where);
        _stack.Add(kind);
        _ilDepth++;
    }

    /// <summary>Sets the model to a frame's height plus <paramref name="types"/>, all in their homes.</summary>
    private void ResetStack(Frame frame, ReadOnlyValues<ValType> types)
    {
        _stack.RemoveRange(frame.Height, _stack.Count - frame.Height);
        _constants.RemoveRange(frame.Height, _constants.Count - frame.Height);
        _rotated.RemoveRange(frame.Height, _rotated.Count - frame.Height);
        foreach (var t in types)
        {
            ClrType(t);
            _stack.Add(t.Kind);
            _constants.Add(null);
            _rotated.Add(false);
        }
        _ilDepth = 0;
    }

    // ---------------------------------------------------------------- entry and exit

    public void Compile(FunctionBody body)
    {
        if (Mode != ResumeMode.None) _liveness = LocalLiveness.Analyze(body, _localTypes.Length);
        var returnFrame = new Frame { Kind = FrameKind.Function, Label = _il.DefineLabel(), Height = 0, Results = _type.Results };
        _frames.Add(returnFrame);
        EmitStackCheck();
        ReloadMemory();
        EmitEntryChecks();
        var reader = new WasmReader(body.Code.Span, body.CodeOffset);
        Translate(ref reader);
        EmitColdBlocks();
    }

    /// <summary>DESIGN's cheapest safe guard: the address of a local of this frame against the
    /// limit the outermost call set. It is also the kill check at entry: an interrupt raises the
    /// limit out of reach, and the slow path (out of line) tells a kill from an exhausted stack
    /// (<see cref="StackGuard.LimitReached"/>), so entries pay one compare for both.</summary>
    private void EmitStackCheck()
    {
        var probe = DeclareLocal(typeof(int));
        var below = _il.DefineLabel();
        var ok = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloca, probe);
        _il.Emit(OpCodes.Conv_U);
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldfld, Members.ContextStore);
        _il.Emit(OpCodes.Ldfld, Members.StackLimit);
        _il.Emit(OpCodes.Blt_Un, below);
        _il.MarkLabel(ok);
        _coldBlocks.Add(() =>
        {
            _il.MarkLabel(below);
            _il.Emit(OpCodes.Ldloca, probe);
            _il.Emit(OpCodes.Conv_U);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Call, Members.StackLimitReached);
            _il.Emit(OpCodes.Br, ok);
        });
    }

    private void ReloadMemory()
    {
        if (_memoryBase is null) return;
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldfld, Members.Memory0);
        _il.Emit(OpCodes.Dup);
        _il.Emit(OpCodes.Ldfld, Members.MemoryBase);
        _il.Emit(OpCodes.Stloc, _memoryBase);
        _il.Emit(OpCodes.Ldfld, Members.MemoryLength);
        _il.Emit(OpCodes.Stloc, _memoryLength!);
    }

    private void EmitReturnSequence()
    {
        var results = _type.Results;
        for (int i = 1; i < results.Length; i++)
        {
            _il.Emit(OpCodes.Ldarg, _type.Parameters.Length + i);
            _il.Emit(OpCodes.Ldloc, Home(i, results[i].Kind));
            ClrSignature.EmitStoreIndirect(_il, ClrType(results[i].Kind));
        }
        if (results.Length >= 1) _il.Emit(OpCodes.Ldloc, Home(0, results[0].Kind));
        _il.Emit(OpCodes.Ret);
    }

    // ---------------------------------------------------------------- control

    private (ReadOnlyValues<ValType> Params, ReadOnlyValues<ValType> Results) BlockSignature(BlockType bt)
    {
        if (bt.IsEmpty) return ([], []);
        if (bt.IsValue) return ([], [bt.Value]);
        var ft = _module.Type(bt.TypeIndex);
        return (ft.Parameters, ft.Results);
    }

    private void EnterBlock(FrameKind kind, BlockType bt)
    {
        var (ps, rs) = BlockSignature(bt);
        SpillAll();
        var frame = new Frame { Kind = kind, Label = _il.DefineLabel(), Height = _stack.Count - ps.Length, Params = ps, Results = rs };
        foreach (var t in ps.Concat(rs)) ClrType(t);
        _frames.Add(frame);
        if (kind == FrameKind.Loop)
        {
            _il.MarkLabel(frame.Label);
            EmitLoopCheck();
        }
    }

    private void EnterIf(BlockType bt)
    {
        SpillAll();
        var cond = Home(_stack.Count - 1, ValTypeKind.I32);
        Pop(1);
        EnterBlock(FrameKind.If, bt);
        var frame = _frames[^1];
        frame.ElseLabel = _il.DefineLabel();
        if (frame.Params.Length > 0)
        {
            // The then-branch reuses the homes of the parameters; keep a copy for the else-branch.
            frame.SavedParams = new LocalBuilder[frame.Params.Length];
            for (int i = 0; i < frame.Params.Length; i++)
            {
                frame.SavedParams[i] = DeclareLocal(ClrType(frame.Params[i]));
                _il.Emit(OpCodes.Ldloc, Home(frame.Height + i, frame.Params[i].Kind));
                _il.Emit(OpCodes.Stloc, frame.SavedParams[i]);
            }
        }
        _il.Emit(OpCodes.Ldloc, cond);
        _il.Emit(OpCodes.Brfalse, frame.ElseLabel);
    }

    private void Else(bool reachable)
    {
        var frame = _frames[^1];
        if (reachable)
        {
            SpillAll();
            _il.Emit(OpCodes.Br, frame.Label);
        }
        frame.HasElse = true;
        _il.MarkLabel(frame.ElseLabel);
        RestoreIfParams(frame);
    }

    private void RestoreIfParams(Frame frame)
    {
        ResetStack(frame, frame.Params);
        if (frame.SavedParams is null) return;
        for (int i = 0; i < frame.Params.Length; i++)
        {
            _il.Emit(OpCodes.Ldloc, frame.SavedParams[i]);
            _il.Emit(OpCodes.Stloc, Home(frame.Height + i, frame.Params[i].Kind));
        }
    }

    /// <summary>Handles <c>end</c>; returns true when it ended the function.</summary>
    private bool End(bool reachable)
    {
        var frame = _frames[^1];
        if (reachable) SpillAll();
        if (frame.Kind == FrameKind.If && !frame.HasElse)
        {
            // No else: parameters equal results (validation), so the false path passes them through.
            var skip = _il.DefineLabel();
            if (reachable) _il.Emit(OpCodes.Br, skip);
            _il.MarkLabel(frame.ElseLabel);
            RestoreIfParams(frame);
            _il.MarkLabel(skip);
        }
        _frames.RemoveAt(_frames.Count - 1);
        if (frame.Kind != FrameKind.Loop) _il.MarkLabel(frame.Label);
        ResetStack(frame, frame.Results);
        if (frame.Kind == FrameKind.Function)
        {
            EmitReturnSequence();
            return true;
        }
        return false;
    }

    /// <summary>Copies the top values a branch to <paramref name="frame"/> carries into the frame's homes.</summary>
    private void CopyBranchValues(Frame frame)
    {
        int arity = frame.BranchArity;
        int from = _stack.Count - arity;
        if (from == frame.Height) return;
        for (int i = 0; i < arity; i++)
        {
            var kind = _stack[from + i];
            _il.Emit(OpCodes.Ldloc, Home(from + i, kind));
            _il.Emit(OpCodes.Stloc, Home(frame.Height + i, kind));
        }
    }

    private bool NeedsCopy(Frame frame) => _stack.Count - frame.BranchArity != frame.Height;

    private Frame Target(uint depth) => _frames[_frames.Count - 1 - (int)depth];

    private void Branch(uint depth)
    {
        SpillAll();
        var frame = Target(depth);
        CopyBranchValues(frame);
        _il.Emit(OpCodes.Br, frame.Label);
    }

    private void BranchIf(uint depth)
    {
        SpillAll();
        var cond = Home(_stack.Count - 1, ValTypeKind.I32);
        Pop(1);
        var frame = Target(depth);
        _il.Emit(OpCodes.Ldloc, cond);
        if (!NeedsCopy(frame))
        {
            _il.Emit(OpCodes.Brtrue, frame.Label);
            return;
        }
        var skip = _il.DefineLabel();
        _il.Emit(OpCodes.Brfalse, skip);
        CopyBranchValues(frame);
        _il.Emit(OpCodes.Br, frame.Label);
        _il.MarkLabel(skip);
    }

    private void BranchTable(ref WasmReader reader)
    {
        uint count = reader.ReadCount();
        var depths = new uint[count];
        for (uint i = 0; i < count; i++) depths[i] = reader.ReadU32();
        uint defaultDepth = reader.ReadU32();
        SpillAll();
        var index = Home(_stack.Count - 1, ValTypeKind.I32);
        Pop(1);
        var labels = new Label[count];
        var trampolines = new List<(Label, Frame)>();
        for (int i = 0; i < count; i++)
        {
            var frame = Target(depths[i]);
            if (NeedsCopy(frame))
            {
                var t = _il.DefineLabel();
                trampolines.Add((t, frame));
                labels[i] = t;
            }
            else
            {
                labels[i] = frame.Label;
            }
        }
        _il.Emit(OpCodes.Ldloc, index);
        _il.Emit(OpCodes.Switch, labels);
        var defaultFrame = Target(defaultDepth);
        CopyBranchValues(defaultFrame);
        _il.Emit(OpCodes.Br, defaultFrame.Label);
        foreach (var (label, frame) in trampolines)
        {
            _il.MarkLabel(label);
            CopyBranchValues(frame);
            _il.Emit(OpCodes.Br, frame.Label);
        }
    }

    /// <summary>Skips unreachable code after an unconditional branch up to the <c>else</c> or
    /// <c>end</c> of the current frame, which it returns.</summary>
    private static Opcode SkipUnreachable(ref WasmReader reader)
    {
        int depth = 0;
        while (true)
        {
            var op = reader.ReadOpcode();
            switch (op)
            {
                case Opcode.Block or Opcode.Loop or Opcode.If:
                    reader.ReadBlockType();
                    depth++;
                    break;
                case Opcode.Else when depth == 0:
                    return op;
                case Opcode.End when depth == 0:
                    return op;
                case Opcode.End:
                    depth--;
                    break;
                default:
                    var info = OpcodeTable.Lookup(op) ?? throw new WasmFormatException("illegal opcode", reader.Offset);
                    reader.SkipImmediates(info, WasmFeatures.Wasm3);
                    break;
            }
        }
    }

    // ---------------------------------------------------------------- calls

    /// <summary><c>call</c> and <c>return_call</c>. A function of this module is a direct call (the
    /// JIT may inline it); an import is <c>calli</c> through its <see cref="Func"/>.</summary>
    private void Call(FuncIndex functionIndex, bool tail)
    {
        var type = _module.FunctionType(functionIndex);
        CheckSignature(type);
        SpillAll();
        if (!_module.TryGetDefined(functionIndex, out var defined))
        {
            var callee = DeclareLocal(typeof(Func));
            LoadContextElement(Members.Functions, functionIndex.Value);
            _il.Emit(OpCodes.Stloc, callee);
            EmitCallThrough(callee, type, tail, CallMaySuspend(functionIndex), import: true);
        }
        else if (CallMaySuspend(functionIndex))
        {
            EmitResumableCall(type, callee: null, _owner.Method(defined), tail, directDefined: defined);
        }
        else
        {
            _il.Emit(OpCodes.Ldarg_0);
            EmitArguments(type, tail);
            if (tail) _il.Emit(OpCodes.Tailcall);
            _il.Emit(OpCodes.Call, _owner.Method(defined));
            AfterCall(type, tail);
        }
    }

    /// <summary><c>call_indirect</c> and <c>return_call_indirect</c>: bounds, null and signature
    /// checks inline (the signature check is one compare of canonical type ids), then <c>calli</c>.</summary>
    private void CallIndirect(TypeIndex typeIndex, TableIndex tableIndex, bool tail)
    {
        var type = _module.Type(typeIndex);
        CheckSignature(type);
        SpillAll();
        var index = Home(_stack.Count - 1, ValTypeKind.I32);
        Pop(1);
        var elements = DeclareLocal(typeof(object[]));
        var callee = DeclareLocal(typeof(Func));
        LoadTable(tableIndex);
        _il.Emit(OpCodes.Ldfld, Members.TableElements);
        _il.Emit(OpCodes.Stloc, elements);

        var inBounds = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, index);
        _il.Emit(OpCodes.Ldloc, elements);
        _il.Emit(OpCodes.Ldlen);
        _il.Emit(OpCodes.Conv_I4);
        _il.Emit(OpCodes.Blt_Un, inBounds);
        EmitTrap(TrapKind.UndefinedElement);
        _il.MarkLabel(inBounds);

        var initialized = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, elements);
        _il.Emit(OpCodes.Ldloc, index);
        _il.Emit(OpCodes.Ldelem_Ref);
        _il.Emit(OpCodes.Isinst, typeof(Func));
        _il.Emit(OpCodes.Stloc, callee);
        _il.Emit(OpCodes.Ldloc, callee);
        _il.Emit(OpCodes.Brtrue, initialized);
        EmitTrap(TrapKind.UninitializedElement);
        _il.MarkLabel(initialized);

        var typeMatches = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, callee);
        _il.Emit(OpCodes.Ldfld, Members.FuncTypeId);
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldfld, Members.TypeIds);
        _il.Emit(OpCodes.Ldc_I4, (int)typeIndex.Value);
        _il.Emit(OpCodes.Ldelem_I4);
        _il.Emit(OpCodes.Beq, typeMatches);
        EmitTrap(TrapKind.IndirectCallTypeMismatch);
        _il.MarkLabel(typeMatches);

        EmitCallThrough(callee, type, tail, IndirectCallMaySuspend(typeIndex));
    }

    /// <summary>Calls the <see cref="Func"/> in <paramref name="callee"/> (<see cref="EmitCalleeCall"/>).</summary>
    private void EmitCallThrough(LocalBuilder callee, FuncType type, bool tail, bool maySuspend, bool import = false)
    {
        if (maySuspend)
        {
            EmitResumableCall(type, callee, direct: null, tail, import);
            return;
        }
        EmitCalleeCall(callee, type, import, () => EmitArguments(type, tail), tail);
        AfterCall(type, tail);
    }

    /// <summary>
    /// Calls the <see cref="Func"/> in <paramref name="callee"/>: its context, the arguments
    /// (<paramref name="pushArguments"/>), then <c>calli</c> on its code pointer. A call of an
    /// <paramref name="import"/> that turns out to be a host function calls its direct adapter
    /// instead, with this instance's context as the caller: an instance holds its imported host
    /// functions unbound (<see cref="InstanceContext.FunctionRef"/>). A call through a table never
    /// does: there the caller is the instance that imported the function, bound in its context.
    /// A tail call returns on either path.
    /// </summary>
    private void EmitCalleeCall(LocalBuilder callee, FuncType type, bool import, Action pushArguments, bool tail)
    {
        if (import)
        {
            _calleeContext ??= DeclareLocal(typeof(InstanceContext));
            _hostEntry ??= DeclareLocal(typeof(nint));
            var notHost = _il.DefineLabel();
            var done = _il.DefineLabel();
            _il.Emit(OpCodes.Ldloc, callee);
            _il.Emit(OpCodes.Ldfld, Members.FuncTarget);
            _il.Emit(OpCodes.Stloc, _calleeContext);
            _il.Emit(OpCodes.Ldloc, _calleeContext);
            _il.Emit(OpCodes.Ldfld, Members.HostEntry);
            _il.Emit(OpCodes.Stloc, _hostEntry);
            _il.Emit(OpCodes.Ldloc, _hostEntry);
            _il.Emit(OpCodes.Brfalse, notHost);
            _il.Emit(OpCodes.Ldloc, _calleeContext);
            _il.Emit(OpCodes.Ldarg_0);
            pushArguments();
            _il.Emit(OpCodes.Ldloc, _hostEntry);
            ClrSignature.EmitDirectHostCalli(_il, type, tail);
            _il.Emit(tail ? OpCodes.Ret : OpCodes.Br, done);
            _il.MarkLabel(notHost);
            _il.Emit(OpCodes.Ldloc, _calleeContext);
            pushArguments();
            _il.Emit(OpCodes.Ldloc, callee);
            _il.Emit(OpCodes.Ldfld, Members.FuncCode);
            ClrSignature.EmitCalli(_il, type, tail);
            // Both paths leave the callee's result on the IL stack here.
            _il.MarkLabel(done);
            return;
        }
        _il.Emit(OpCodes.Ldloc, callee);
        _il.Emit(OpCodes.Ldfld, Members.FuncTarget);
        pushArguments();
        _il.Emit(OpCodes.Ldloc, callee);
        _il.Emit(OpCodes.Ldfld, Members.FuncCode);
        ClrSignature.EmitCalli(_il, type, tail);
    }

    /// <summary>Pushes the arguments from their homes, then the byrefs for results after the first:
    /// the homes they land in, or for a tail call this function's own result byrefs.</summary>
    private void EmitArguments(FuncType type, bool tail)
    {
        int first = _stack.Count - type.Parameters.Length;
        for (int i = 0; i < type.Parameters.Length; i++) _il.Emit(OpCodes.Ldloc, Home(first + i, type.Parameters[i].Kind));
        for (int i = 1; i < type.Results.Length; i++)
        {
            if (tail) _il.Emit(OpCodes.Ldarg, _type.Parameters.Length + i);
            else _il.Emit(OpCodes.Ldloca, Home(first + i, type.Results[i].Kind));
        }
    }

    private void AfterCall(FuncType type, bool tail)
    {
        if (tail)
        {
            // The callee's results are this function's (validation), already in place.
            _il.Emit(OpCodes.Ret);
            Pop(type.Parameters.Length);
            return;
        }
        int first = _stack.Count - type.Parameters.Length;
        Pop(type.Parameters.Length);
        if (type.Results.Length == 1) Push(type.Results[0].Kind);
        else if (type.Results.Length > 1)
        {
            _il.Emit(OpCodes.Stloc, Home(first, type.Results[0].Kind));
            foreach (var r in type.Results) Push(r.Kind);
            _ilDepth = 0;
        }
        ReloadMemory();
    }

    /// <summary>Throws a trap inline: the JIT lays a throw block out of the hot path.</summary>
    private void EmitTrap(TrapKind kind)
    {
        _il.Emit(OpCodes.Ldc_I4, (int)kind);
        _il.Emit(OpCodes.Call, Members.TrapCreate);
        _il.Emit(OpCodes.Throw);
    }

    /// <summary>Pushes element <paramref name="index"/> of one of the instance context's arrays
    /// (functions, tables, types, globals, segments): the one way generated code reaches instance state.</summary>
    private void LoadContextElement(System.Reflection.FieldInfo array, uint index)
    {
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldfld, array);
        _il.Emit(OpCodes.Ldc_I4, (int)index);
        _il.Emit(OpCodes.Ldelem_Ref);
    }

    /// <summary>Replaces a data or element segment in the context with an empty one (data.drop, elem.drop).</summary>
    private void DropSegment(System.Reflection.FieldInfo array, uint index, System.Reflection.MethodInfo empty)
    {
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldfld, array);
        _il.Emit(OpCodes.Ldc_I4, (int)index);
        _il.Emit(OpCodes.Call, empty);
        _il.Emit(OpCodes.Stelem_Ref);
    }

    private static void CheckSignature(FuncType type)
    {
        foreach (var t in type.Parameters.Concat(type.Results)) ClrType(t);
    }

    private void EmitToBits(ValTypeKind kind) => EmitToBits(_il, kind);

    /// <summary>Converts the numeric value on the IL stack to its bits as a ulong (i32
    /// zero-extended); also used by <see cref="FrameSavers"/>.</summary>
    internal static void EmitToBits(ILGenerator il, ValTypeKind kind)
    {
        switch (kind)
        {
            case ValTypeKind.I32: il.Emit(OpCodes.Conv_U8); break;
            case ValTypeKind.I64: break;
            case ValTypeKind.F32: il.Emit(OpCodes.Call, Members.F32ToBits); il.Emit(OpCodes.Conv_U8); break;
            case ValTypeKind.F64: il.Emit(OpCodes.Call, Members.F64ToBits); break;
        }
    }

    private void EmitFromBits(ValTypeKind kind)
    {
        switch (kind)
        {
            case ValTypeKind.I32: _il.Emit(OpCodes.Conv_I4); break;
            case ValTypeKind.I64: break;
            case ValTypeKind.F32: _il.Emit(OpCodes.Conv_U4); _il.Emit(OpCodes.Call, Members.F32FromBits); break;
            case ValTypeKind.F64: _il.Emit(OpCodes.Call, Members.F64FromBits); break;
        }
    }

    // ---------------------------------------------------------------- variables

    private void LocalGet(LocalIndex index)
    {
        if (_locals[index.Value] is { } local) _il.Emit(OpCodes.Ldloc, local);
        else _il.Emit(OpCodes.Ldarg, (int)index.Value + 1);
        Push(_localTypes[index.Value].Kind);
    }

    private void LocalSet(LocalIndex index, bool tee)
    {
        Need(1);
        HideFloatConstant(_stack.Count - 1);
        if (tee) _il.Emit(OpCodes.Dup);
        if (_locals[index.Value] is { } local) _il.Emit(OpCodes.Stloc, local);
        else _il.Emit(OpCodes.Starg, (int)index.Value + 1);
        if (!tee) Pop(1);
    }

    private void LoadGlobalObject(GlobalIndex index)
    {
        LoadContextElement(Members.Globals, index.Value);
    }

    private void GlobalGet(GlobalIndex index)
    {
        var type = _module.GlobalType(index).Type;
        ClrType(type);
        LoadGlobalObject(index);
        if (type.IsRef)
        {
            _il.Emit(OpCodes.Ldfld, Members.GlobalRef);
        }
        else if (type.Kind == ValTypeKind.V128)
        {
            _il.Emit(OpCodes.Ldfld, Members.GlobalVector);
        }
        else
        {
            _il.Emit(OpCodes.Ldfld, Members.GlobalBits);
            EmitFromBits(type.Kind);
        }
        Push(type.Kind);
    }

    private void GlobalSet(GlobalIndex index)
    {
        var type = _module.GlobalType(index).Type;
        ClrType(type);
        var kind = type.Kind;
        SpillAll();
        var value = Home(_stack.Count - 1, kind);
        Pop(1);
        LoadGlobalObject(index);
        _il.Emit(OpCodes.Ldloc, value);
        if (type.IsRef)
        {
            _il.Emit(OpCodes.Stfld, Members.GlobalRef);
            return;
        }
        if (kind == ValTypeKind.V128)
        {
            _il.Emit(OpCodes.Stfld, Members.GlobalVector);
            return;
        }
        EmitToBits(kind);
        _il.Emit(OpCodes.Stfld, Members.GlobalBits);
    }
}
