using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Tests.Corpus;

/// <summary>
/// Generates large valid modules by a typed random walk over the opcode table: every instruction is
/// chosen so that its operands are on the stack, so the module is valid by construction. Used as a
/// decode/validate throughput workload and as a seed for mutation fuzzing. Deterministic per seed.
/// </summary>
internal sealed class SyntheticModule
{
    private static readonly ValType[] Numeric = [ValType.I32, ValType.I64, ValType.F32, ValType.F64, ValType.V128];
    private static readonly FuncType[] Types =
    [
        new([], []),
        new([ValType.I32, ValType.I32], [ValType.I32]),
        new([ValType.I64, ValType.F64], [ValType.F64]),
        new([ValType.I32], [ValType.I64]),
        new([ValType.F32, ValType.V128], [ValType.F32, ValType.I32]),
    ];

    // Simple instructions (no immediates, fixed signature) of WebAssembly 2.0.
    private static readonly OpcodeInfo[] SimpleOps = OpcodeTable.All
        .Where(o => o.Immediate == ImmediateKind.None && o.Pops is not null && !o.UsesAddressType && (o.Feature & WasmFeatures.Wasm2) != 0)
        .ToArray();
    private static readonly OpcodeInfo[] MemoryOps = OpcodeTable.All
        .Where(o => o.Immediate == ImmediateKind.MemArg && (o.Feature & WasmFeatures.Wasm2) != 0)
        .ToArray();
    private static readonly OpcodeInfo[] LaneOps = OpcodeTable.All.Where(o => o.Immediate == ImmediateKind.Lane).ToArray();

    private readonly Random _random;
    private readonly WasmWriter _code = new(1 << 16);
    private readonly List<ValType> _stack = new();
    private readonly List<int> _frames = new();
    private readonly List<int> _functionTypes = new();
    private ValType[] _locals = [];

    private SyntheticModule(int seed) => _random = new Random(seed);

    /// <summary>A module of at least <paramref name="targetBytes"/> bytes.</summary>
    public static byte[] Generate(int targetBytes, int seed, int instructionsPerFunction = 400) =>
        new SyntheticModule(seed).Build(targetBytes, instructionsPerFunction);

    private byte[] Build(int targetBytes, int instructionsPerFunction)
    {
        var bodies = new WasmWriter(targetBytes + 4096);
        int functionCount = 0;
        while (bodies.Length < targetBytes)
        {
            int type = _random.Next(Types.Length);
            _functionTypes.Add(type);
            WriteBody(bodies, Types[type], functionCount, instructionsPerFunction);
            functionCount++;
        }

        var module = new WasmWriter(bodies.Length + 4096);
        module.Header();

        var section = new WasmWriter();
        section.U32((uint)Types.Length);
        foreach (var t in Types)
        {
            section.Byte(0x60);
            section.U32((uint)t.Parameters.Length);
            foreach (var p in t.Parameters) section.ValType(p);
            section.U32((uint)t.Results.Length);
            foreach (var r in t.Results) section.ValType(r);
        }
        module.Section(SectionId.Type, section);

        section = new WasmWriter();
        section.U32((uint)functionCount);
        foreach (var t in _functionTypes) section.U32((uint)t);
        module.Section(SectionId.Function, section);

        section = new WasmWriter();
        section.U32(1);
        section.Byte(0x70);
        section.Byte(0);
        section.U32((uint)functionCount);
        module.Section(SectionId.Table, section);

        section = new WasmWriter();
        section.U32(1);
        section.Byte(1);
        section.U32(1);
        section.U32(16);
        module.Section(SectionId.Memory, section);

        section = new WasmWriter();
        section.U32(1);
        section.Name("f0");
        section.Byte(0);
        section.U32(0);
        module.Section(SectionId.Export, section);

        section = new WasmWriter();
        section.U32(1);
        section.U32(0); // active, table 0, function indices
        section.Opcode(Opcode.I32Const);
        section.S32(0);
        section.Opcode(Opcode.End);
        section.U32((uint)functionCount);
        for (int i = 0; i < functionCount; i++) section.U32((uint)i);
        module.Section(SectionId.Element, section);

        var code = new WasmWriter(bodies.Length + 16);
        code.U32((uint)functionCount);
        code.Bytes(bodies.WrittenSpan);
        module.Section(SectionId.Code, code);

        section = new WasmWriter();
        section.U32(1);
        section.U32(0);
        section.Opcode(Opcode.I32Const);
        section.S32(16);
        section.Opcode(Opcode.End);
        section.Name("synthetic data segment");
        module.Section(SectionId.Data, section);
        return module.ToArray();
    }

    private void WriteBody(WasmWriter bodies, FuncType type, int index, int instructions)
    {
        _code.Clear();
        _stack.Clear();
        _frames.Clear();
        _frames.Add(0);
        var locals = new List<ValType>(type.Parameters);
        _code.U32((uint)Numeric.Length);
        foreach (var t in Numeric)
        {
            _code.U32(2);
            _code.ValType(t);
            locals.Add(t);
            locals.Add(t);
        }
        _locals = locals.ToArray();

        for (int i = 0; i < instructions; i++) Step(index);
        while (_frames.Count > 1) EndBlock();
        DropTo(0);
        foreach (var r in type.Results) PushValue(r);
        _code.Opcode(Opcode.End);

        bodies.U32((uint)_code.Length);
        bodies.Bytes(_code.WrittenSpan);
    }

    private void Step(int functionIndex)
    {
        int roll = _random.Next(100);
        if (roll < 45)
        {
            Apply(SimpleOps[_random.Next(SimpleOps.Length)]);
        }
        else if (roll < 55)
        {
            PushValue(Numeric[_random.Next(Numeric.Length)]);
        }
        else if (roll < 63 && _stack.Count > _frames[^1])
        {
            var top = _stack[^1];
            int local = FindLocal(top);
            _code.Opcode(_random.Next(2) == 0 ? Opcode.LocalSet : Opcode.LocalTee);
            if (_code.WrittenSpan[^1] == (byte)Opcode.LocalSet) _stack.RemoveAt(_stack.Count - 1);
            _code.U32((uint)local);
        }
        else if (roll < 72)
        {
            var op = MemoryOps[_random.Next(MemoryOps.Length)];
            Push(ValType.I32, () => { _code.Opcode(Opcode.I32Const); _code.S32(_random.Next(1024)); });
            for (int i = 1; i < op.Pops!.Length; i++) PushValue(op.Pops[i]);
            _code.Opcode(op.Opcode);
            _code.U32((uint)_random.Next(op.NaturalAlignmentLog2 + 1));
            _code.U32((uint)_random.Next(64));
            Pop(op.Pops.Length);
            foreach (var t in op.Pushes!) _stack.Add(t);
        }
        else if (roll < 76)
        {
            var op = LaneOps[_random.Next(LaneOps.Length)];
            foreach (var t in op.Pops!) PushValue(t);
            _code.Opcode(op.Opcode);
            _code.Byte((byte)_random.Next(op.LaneCount));
            Pop(op.Pops.Length);
            foreach (var t in op.Pushes!) _stack.Add(t);
        }
        else if (roll < 82 && _frames.Count < 6)
        {
            if (_random.Next(3) == 0)
            {
                PushValue(ValType.I32);
                Pop(1);
                _code.Opcode(Opcode.If);
            }
            else
            {
                _code.Opcode(_random.Next(2) == 0 ? Opcode.Block : Opcode.Loop);
            }
            _code.Byte(0x40);
            _frames.Add(_stack.Count);
        }
        else if (roll < 88 && _frames.Count > 1)
        {
            if (_random.Next(2) == 0)
            {
                PushValue(ValType.I32);
                Pop(1);
                _code.Opcode(Opcode.BrIf);
                _code.U32(0);
            }
            EndBlock();
        }
        else if (roll < 93 && functionIndex > 0)
        {
            int callee = _random.Next(functionIndex);
            var type = Types[_functionTypes[callee]];
            foreach (var p in type.Parameters) PushValue(p);
            Pop(type.Parameters.Length);
            if (_random.Next(2) == 0)
            {
                PushValue(ValType.I32);
                Pop(1);
                _code.Opcode(Opcode.CallIndirect);
                _code.U32((uint)_functionTypes[callee]);
                _code.U32(0);
            }
            else
            {
                _code.Opcode(Opcode.Call);
                _code.U32((uint)callee);
            }
            _stack.AddRange(type.Results);
        }
        else if (_stack.Count > _frames[^1])
        {
            _code.Opcode(Opcode.Drop);
            Pop(1);
        }
    }

    private void Apply(OpcodeInfo op)
    {
        var pops = op.Pops!;
        // Reuse what is on the stack when it already has the operand types; otherwise push them.
        bool ready = _stack.Count - _frames[^1] >= pops.Length;
        for (int i = 0; ready && i < pops.Length; i++) ready = _stack[_stack.Count - pops.Length + i] == pops[i];
        if (!ready)
        {
            foreach (var t in pops) PushValue(t);
        }
        _code.Opcode(op.Opcode);
        Pop(pops.Length);
        foreach (var t in op.Pushes!) _stack.Add(t);
    }

    private void EndBlock()
    {
        DropTo(_frames[^1]);
        _frames.RemoveAt(_frames.Count - 1);
        _code.Opcode(Opcode.End);
    }

    private void DropTo(int height)
    {
        while (_stack.Count > height)
        {
            _code.Opcode(Opcode.Drop);
            _stack.RemoveAt(_stack.Count - 1);
        }
    }

    private void Pop(int n) => _stack.RemoveRange(_stack.Count - n, n);

    private void Push(ValType type, Action emit)
    {
        emit();
        _stack.Add(type);
    }

    private void PushValue(ValType type)
    {
        if (_random.Next(3) == 0)
        {
            _code.Opcode(Opcode.LocalGet);
            _code.U32((uint)FindLocal(type));
        }
        else if (type == ValType.I32) { _code.Opcode(Opcode.I32Const); _code.S32(_random.Next(int.MinValue, int.MaxValue)); }
        else if (type == ValType.I64) { _code.Opcode(Opcode.I64Const); _code.S64(_random.NextInt64()); }
        else if (type == ValType.F32) { _code.Opcode(Opcode.F32Const); _code.FixedU32((uint)_random.Next()); }
        else if (type == ValType.F64) { _code.Opcode(Opcode.F64Const); _code.FixedU64((ulong)_random.NextInt64()); }
        else
        {
            _code.Opcode(Opcode.V128Const);
            Span<byte> bytes = stackalloc byte[16];
            _random.NextBytes(bytes);
            _code.Bytes(bytes);
        }
        _stack.Add(type);
    }

    private int FindLocal(ValType type)
    {
        int start = _random.Next(_locals.Length);
        for (int i = 0; i < _locals.Length; i++)
        {
            int k = (start + i) % _locals.Length;
            if (_locals[k] == type) return k;
        }
        throw new InvalidOperationException("every numeric type has a local");
    }
}
