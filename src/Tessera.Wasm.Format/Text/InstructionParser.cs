using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Text;

/// <summary>
/// Assembles instruction sequences (spec 6.5): plain and structured instructions in flat and folded
/// form, with their immediates, into binary code. Used for function bodies and constant
/// expressions. Labels are resolved against a stack of the enclosing blocks' ids, innermost first,
/// so an inner label shadows an outer one of the same name.
/// </summary>
internal sealed partial class InstructionParser
{
    private readonly ModuleParser _module;
    private readonly IndexSpace _locals;
    private readonly List<string?> _labels = new();
    private readonly string? _source;
    private WasmWriter _w = new();
    // Where each instruction's opcode landed in _w, for mapping binary offsets back to the text.
    // Kept in step with _w: a temporary writer gets its own list, rebased when its bytes are appended.
    private List<SourceMark> _marks = new();
    private uint? _refFunc;

    public InstructionParser(ModuleParser module, IndexSpace? locals = null)
    {
        _module = module;
        _locals = locals ?? new IndexSpace("local", "local");
        _source = module.Source;
    }

    /// <summary>After a constant expression: the function index when the expression is exactly one
    /// <c>ref.func x</c>, else null.</summary>
    public uint? SingleRefFunc { get; private set; }

    /// <summary>After <see cref="Body"/>: the text position of each instruction, by offset in the returned code.</summary>
    public IReadOnlyList<SourceMark> Marks => _marks;

    private void Mark(SExpr at) => _marks.Add(new SourceMark(_w.Length, at.Position));

    /// <summary>Starts writing into a fresh writer; <see cref="EndDetour"/> restores the outer one.</summary>
    private (WasmWriter Writer, List<SourceMark> Marks) BeginDetour()
    {
        var outer = (_w, _marks);
        _w = new WasmWriter();
        _marks = new List<SourceMark>();
        return outer;
    }

    private (WasmWriter Writer, List<SourceMark> Marks) EndDetour((WasmWriter Writer, List<SourceMark> Marks) outer)
    {
        var inner = (_w, _marks);
        (_w, _marks) = outer;
        return inner;
    }

    /// <summary>Appends what a detour wrote, with its marks moved to where the bytes land.</summary>
    private void Append((WasmWriter Writer, List<SourceMark> Marks) detour)
    {
        int at = _w.Length;
        foreach (var mark in detour.Marks) _marks.Add(mark with { Offset = at + mark.Offset });
        _w.Bytes(detour.Writer.WrittenSpan);
    }

    /// <summary>A function body: the instructions up to the end of the list, then <c>end</c>.</summary>
    public byte[] Body(SCursor c)
    {
        _open.Push(new Open(Step.Sequence, c));
        Run();
        return Finish();
    }

    private byte[] Finish()
    {
        _w.Opcode(Opcode.End);
        var code = _w.ToArray();
        if (_refFunc is { } f)
        {
            var single = new WasmWriter();
            single.Opcode(Opcode.RefFunc);
            single.U32(f);
            single.Opcode(Opcode.End);
            if (single.WrittenSpan.SequenceEqual(code)) SingleRefFunc = f;
        }
        return code;
    }

    /// <summary>A constant expression: the instructions up to the end of the list, then <c>end</c>.</summary>
    public byte[] ConstExpr(SCursor c) => Body(c);

    /// <summary>A constant expression written as one folded instruction (the <c>(offset ...)</c> and
    /// <c>(item ...)</c> abbreviations).</summary>
    public byte[] FoldedConstExpr(SList instruction)
    {
        Folded(instruction);
        Run();
        return Finish();
    }

    /// <summary>The optional id after <c>end</c> or <c>else</c> must repeat the block's label.</summary>
    private void EndLabel(SCursor c, string? label)
    {
        if (c.Peek() is SAtom { Kind: AtomKind.Id } id)
        {
            c.Next();
            if (id.IdName != label) throw new WatSyntaxException("mismatching label", id.Position, $"{id.Text} closes {(label is null ? "an unlabelled block" : "$" + label)}", _source);
        }
    }

    /// <summary>Writes the opcode and block type (and catch clauses) of a structured instruction.</summary>
    private void BlockHeader(SAtom keyword, SCursor c)
    {
        var opcode = keyword.Text switch
        {
            "block" => Opcode.Block,
            "loop" => Opcode.Loop,
            "if" => Opcode.If,
            _ => Opcode.TryTable,
        };
        Mark(keyword);
        _w.Opcode(opcode);
        BlockType(c);
        if (opcode == Opcode.TryTable) Catches(c);
    }

    /// <summary>
    /// A block type: a type use. Types of the form [] -&gt; [t?] use the one-byte encodings (also when
    /// given by index, as wabt does); others are a type index, appending the type when needed.
    /// </summary>
    private void BlockType(SCursor c)
    {
        var use = _module.ReadTypeUse(c, TypeUseContext.Instruction);
        FuncType? type;
        uint index = 0;
        if (use.TypeRef is not null)
        {
            index = _module.ResolveTypeUse(use, c);
            type = _module.TypeAt(new TypeIndex(index));
        }
        else
        {
            type = new FuncType([.. use.Params], [.. use.Results]);
        }
        if (type is { Parameters.Length: 0, Results.Length: <= 1 })
        {
            if (type.Results.Length == 0) _w.Byte(0x40);
            else _w.ValType(type.Results[0]);
            return;
        }
        if (use.TypeRef is null) index = _module.FindOrAddType(type!);
        _w.S64(index);
    }

    /// <summary>The catch clauses of <c>try_table</c>; their labels are outside the try_table's own.</summary>
    private void Catches(SCursor c)
    {
        var clauses = new WasmWriter();
        uint count = 0;
        while (c.Peek() is SList { Head: "catch" or "catch_ref" or "catch_all" or "catch_all_ref" } clause)
        {
            c.Next();
            var cc = new SCursor(clause, _source, 1);
            switch (clause.Head)
            {
                case "catch":
                    clauses.Byte(0x00);
                    clauses.U32(_module.Tags.Resolve(cc.Next(), _source));
                    break;
                case "catch_ref":
                    clauses.Byte(0x01);
                    clauses.U32(_module.Tags.Resolve(cc.Next(), _source));
                    break;
                case "catch_all":
                    clauses.Byte(0x02);
                    break;
                default:
                    clauses.Byte(0x03);
                    break;
            }
            clauses.U32(Label(cc.Next()));
            cc.ExpectEnd();
            count++;
        }
        _w.U32(count);
        _w.Bytes(clauses.WrittenSpan);
    }

    private uint Label(SExpr e)
    {
        if (e is SAtom { Kind: AtomKind.Id } id)
        {
            for (var i = _labels.Count - 1; i >= 0; i--)
            {
                if (_labels[i] == id.IdName) return (uint)(_labels.Count - 1 - i);
            }
            throw new WatSyntaxException("unknown label", id.Position, id.Text, _source);
        }
        return TextValues.U32(e, _source);
    }

    private static bool IsIndex(SExpr? e) => e is SAtom { Kind: AtomKind.Id or AtomKind.Number };

    /// <summary>A plain instruction: mnemonic and immediates.</summary>
    private void Plain(SAtom keyword, SCursor c)
    {
        var name = keyword.Text;
        if (UnsupportedFeature(name) is { } feature) throw _module.Unsupported(feature, keyword, name);
        if (name is "end" or "else" || !OpcodeTable.TryGetByName(name, out var info)) throw SCursor.Unexpected(keyword, _source);
        Mark(keyword);
        if (info.Opcode == Opcode.Select && c.PeekList("result"))
        {
            var types = new List<ValType>();
            while (c.TryList("result", out var r))
            {
                var rc = new SCursor(r, _source, 1);
                while (!rc.AtEnd) types.Add(_module.ValType(rc.Next()));
            }
            _w.Opcode(Opcode.SelectTyped);
            _w.U32((uint)types.Count);
            foreach (var t in types) _w.ValType(t);
            return;
        }
        if (info.Immediate == ImmediateKind.BlockType) throw SCursor.Unexpected(keyword, _source);
        _w.Opcode(info.Opcode);
        Immediates(info, c);
    }

    private void Immediates(OpcodeInfo info, SCursor c)
    {
        switch (info.Immediate)
        {
            case ImmediateKind.None:
                return;
            case ImmediateKind.Label:
                _w.U32(Label(c.Next()));
                return;
            case ImmediateKind.BrTable:
                {
                    var labels = new List<uint>();
                    while (IsIndex(c.Peek())) labels.Add(Label(c.Next()));
                    if (labels.Count == 0) throw c.AtEnd ? c.UnexpectedEnd() : c.Unexpected();
                    _w.U32((uint)(labels.Count - 1));
                    foreach (var l in labels) _w.U32(l);
                    return;
                }
            case ImmediateKind.Func:
                {
                    var f = _module.Funcs.Resolve(c.Next(), _source);
                    if (info.Opcode == Opcode.RefFunc) _refFunc = f;
                    _w.U32(f);
                    return;
                }
            case ImmediateKind.CallIndirect:
                {
                    var table = OptionalIndex(c, _module.Tables);
                    var use = _module.ReadTypeUse(c, TypeUseContext.Instruction);
                    _w.U32(_module.ResolveTypeUse(use, c));
                    _w.U32(table);
                    return;
                }
            case ImmediateKind.Type:
                _w.U32(_module.Types.Resolve(c.Next(), _source));
                return;
            case ImmediateKind.Local:
                _w.U32(_locals.Resolve(c.Next(), _source));
                return;
            case ImmediateKind.Global:
                _w.U32(_module.Globals.Resolve(c.Next(), _source));
                return;
            case ImmediateKind.Tag:
                _w.U32(_module.Tags.Resolve(c.Next(), _source));
                return;
            case ImmediateKind.Table:
                _w.U32(OptionalIndex(c, _module.Tables));
                return;
            case ImmediateKind.Memory:
                _w.U32(OptionalIndex(c, _module.Memories));
                return;
            case ImmediateKind.MemArg:
                MemArg(info, c);
                return;
            case ImmediateKind.MemArgLane:
                MemArg(info, c);
                _w.Byte(Lane(c.Next()));
                return;
            case ImmediateKind.MemoryInit:
                {
                    var (memory, data) = OptionalPair(c, _module.Memories, _module.Datas);
                    _w.U32(data);
                    _w.U32(memory);
                    _module.Module.NeedsDataCount = true;
                    return;
                }
            case ImmediateKind.Data:
                _w.U32(_module.Datas.Resolve(c.Next(), _source));
                _module.Module.NeedsDataCount = true;
                return;
            case ImmediateKind.TableInit:
                {
                    var (table, elem) = OptionalPair(c, _module.Tables, _module.Elems);
                    _w.U32(elem);
                    _w.U32(table);
                    return;
                }
            case ImmediateKind.Elem:
                _w.U32(_module.Elems.Resolve(c.Next(), _source));
                return;
            case ImmediateKind.MemoryCopy:
                Pair(c, _module.Memories);
                return;
            case ImmediateKind.TableCopy:
                Pair(c, _module.Tables);
                return;
            case ImmediateKind.I32:
                _w.S32((int)TextValues.I32(c.Next(), _source));
                return;
            case ImmediateKind.I64:
                _w.S64((long)TextValues.I64(c.Next(), _source));
                return;
            case ImmediateKind.F32:
                _w.FixedU32(TextValues.F32(c.Next(), _source));
                return;
            case ImmediateKind.F64:
                _w.FixedU64(TextValues.F64(c.Next(), _source));
                return;
            case ImmediateKind.V128:
                {
                    var (shape, lanes, _) = TextValues.V128(c, patterns: false);
                    _w.Bytes(TextValues.V128Bytes(shape, lanes));
                    return;
                }
            case ImmediateKind.Lane:
                _w.Byte(Lane(c.Next()));
                return;
            case ImmediateKind.Shuffle:
                Shuffle(c);
                return;
            case ImmediateKind.HeapType:
                _w.HeapType(_module.HeapType(c.Next()));
                return;
            default:
                throw _module.Unsupported("immediate " + info.Immediate, c.List, info.Name);
        }
    }

    /// <summary><c>x?</c>: an index into <paramref name="space"/>, 0 when none is written.</summary>
    private uint OptionalIndex(SCursor c, IndexSpace space) => IsIndex(c.Peek()) ? space.Resolve(c.Next(), _source) : 0;

    /// <summary><c>x? y</c>: one index is the second of the pair, the first defaulting to 0.</summary>
    private (uint First, uint Second) OptionalPair(SCursor c, IndexSpace first, IndexSpace second)
    {
        if (IsIndex(c.Peek()) && IsIndex(c.Peek(1))) return (first.Resolve(c.Next(), _source), second.Resolve(c.Next(), _source));
        return (0, second.Resolve(c.Next(), _source));
    }

    /// <summary><c>(x y)?</c>: both indices or neither (both then 0).</summary>
    private void Pair(SCursor c, IndexSpace space)
    {
        uint a = 0, b = 0;
        if (IsIndex(c.Peek()))
        {
            a = space.Resolve(c.Next(), _source);
            b = space.Resolve(c.Next(), _source);
        }
        _w.U32(a);
        _w.U32(b);
    }

    /// <summary><c>memidx? offset=n? align=n?</c>; the alignment is written as its log2, with bit 6
    /// announcing a memory index other than 0 (multi-memory).</summary>
    private void MemArg(OpcodeInfo info, SCursor c)
    {
        // With a lane immediate after the memarg, a lone number is the lane, not a memory.
        var hasMemory = info.Immediate == ImmediateKind.MemArg
            ? IsIndex(c.Peek())
            : c.Peek() is SAtom { Kind: AtomKind.Id } || IsIndex(c.Peek()) && (IsIndex(c.Peek(1)) || c.Peek(1) is SAtom { Kind: AtomKind.Keyword } k && (k.Text.StartsWith("offset=", StringComparison.Ordinal) || k.Text.StartsWith("align=", StringComparison.Ordinal)));
        var memory = hasMemory ? _module.Memories.Resolve(c.Next(), _source) : 0;
        ulong offset = 0;
        if (c.Peek() is SAtom { Kind: AtomKind.Keyword } o && o.Text.StartsWith("offset=", StringComparison.Ordinal))
        {
            c.Next();
            if (!NumericLiteral.TryParseU64(o.Text[7..], out offset)) throw SCursor.Unexpected(o, _source);
            if (!_module.IsMemory64(memory) && offset > uint.MaxValue && _module.Version == WatVersion.Wasm2) throw new WatSyntaxException("i32 constant out of range", o.Position, o.Text, _source);
        }
        var alignLog2 = (uint)info.NaturalAlignmentLog2;
        if (c.Peek() is SAtom { Kind: AtomKind.Keyword } a && a.Text.StartsWith("align=", StringComparison.Ordinal))
        {
            c.Next();
            if (!NumericLiteral.TryParseU64(a.Text[6..], out var align)) throw SCursor.Unexpected(a, _source);
            if (align == 0 || (align & (align - 1)) != 0) throw new WatSyntaxException("alignment must be a power of two", a.Position, a.Text, _source);
            alignLog2 = (uint)ulong.Log2(align);
        }
        _w.U32(memory == 0 ? alignLog2 : alignLog2 | 0x40);
        if (memory != 0) _w.U32(memory);
        _w.U64(offset);
    }

    /// <summary>A lane index: an unsigned number below 256 (a larger one is a "malformed lane index";
    /// whether it is below the lane count is for the validator).</summary>
    private byte Lane(SExpr e)
    {
        var atom = TextValues.Natural(e, _source);
        return NumericLiteral.TryParseU32(atom.Text, out var v) && v <= 255 ? (byte)v : throw LaneOutOfRange(atom);
    }

    private WatSyntaxException LaneOutOfRange(SAtom lane) =>
        new(_module.Version >= WatVersion.Wasm3 ? "i8 constant out of range" : "malformed lane index", lane.Position, lane.Text, _source);

    /// <summary><c>i8x16.shuffle</c>'s 16 lane indices.</summary>
    private void Shuffle(SCursor c)
    {
        var lanes = new List<SAtom>();
        while (c.Peek() is SAtom { Kind: AtomKind.Number or AtomKind.Reserved } a)
        {
            c.Next();
            lanes.Add(a);
        }
        if (lanes.Count != 16) throw new WatSyntaxException("invalid lane length", c.List.Position, $"{lanes.Count} lane indices, 16 needed", _source);
        foreach (var lane in lanes)
        {
            if (lane.Kind != AtomKind.Number) throw SCursor.Unexpected(lane, _source);
            _w.Byte(NumericLiteral.TryParseU32(lane.Text, out var v) && v <= 255 ? (byte)v : throw LaneOutOfRange(lane));
        }
    }

    /// <summary>The feature of a 3.0 or proposal instruction this assembler does not encode, or null.</summary>
    internal static string? UnsupportedFeature(string name)
    {
        if (name.StartsWith("struct.", StringComparison.Ordinal) || name.StartsWith("array.", StringComparison.Ordinal) ||
            name.StartsWith("i31.", StringComparison.Ordinal) || name.StartsWith("ref.i31", StringComparison.Ordinal) ||
            name.StartsWith("ref.test", StringComparison.Ordinal) || name.StartsWith("ref.cast", StringComparison.Ordinal) ||
            name.StartsWith("br_on_cast", StringComparison.Ordinal) || name.StartsWith("ref.get_desc", StringComparison.Ordinal) ||
            name is "any.convert_extern" or "extern.convert_any")
            return "gc";
        if (name.Contains("atomic", StringComparison.Ordinal)) return "threads";
        if (name is "try" or "delegate" or "rethrow") return "legacy-exceptions";
        if (name is "i64.add128" or "i64.sub128" or "i64.mul_wide_s" or "i64.mul_wide_u") return "wide-arithmetic";
        return null;
    }
}
