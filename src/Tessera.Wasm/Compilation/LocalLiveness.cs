using System.Collections;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// Which locals of a function are live where a resumable version can suspend: at each loop head
/// (a yield point) and after each call (a call that may suspend). A suspended frame saves and
/// restores only those. That matters beyond the bytes saved: save code that read every local
/// would keep every local alive across every loop back-edge, and the register pressure that
/// adds (eleven v128 locals in the simd kernel's Mandelbrot loop) costs more than the checks.
/// </summary>
/// <remarks>
/// A backward dataflow over WebAssembly's structured control: a <c>local.get</c> makes its local
/// live, a <c>local.set</c> or <c>local.tee</c> kills it; a branch's live set is its target's
/// (after a block, or the head of a loop, found by iterating the loop to a fixed point); an
/// <c>if</c> joins its arms. Functions with control flow this pass does not model (exception
/// handling, the GC proposal's conditional branches) get no result: their frames save every
/// local, as before.
/// </remarks>
internal sealed class LocalLiveness
{
    private static readonly HashSet<Opcode> Unmodelled = Enum.GetValues<Opcode>()
        .Where(op => op.ToString() is var name && (name.StartsWith("BrOn", StringComparison.Ordinal) || name.StartsWith("Try", StringComparison.Ordinal)
            || name.StartsWith("Catch", StringComparison.Ordinal) || name.StartsWith("Throw", StringComparison.Ordinal)
            || name.StartsWith("Rethrow", StringComparison.Ordinal) || name.StartsWith("Delegate", StringComparison.Ordinal)))
        .ToHashSet();

    private readonly Dictionary<int, BitArray> _at = [];
    private readonly int _locals;

    private LocalLiveness(int locals) => _locals = locals;

    /// <summary>The locals live at the loop head or after the call whose opcode is at
    /// <paramref name="offset"/> (module offsets, as <see cref="WasmReader.Offset"/> gives).</summary>
    public BitArray? At(int offset) => _at.GetValueOrDefault(offset);

    /// <summary>Analyzes a validated body with <paramref name="locals"/> locals (parameters
    /// included); null when its control flow is not modelled.</summary>
    public static LocalLiveness? Analyze(FunctionBody body, int locals)
    {
        var reader = new WasmReader(body.Code.Span, body.CodeOffset);
        var nodes = new List<Node>();
        if (!Parse(ref reader, nodes, out _)) return null;
        var result = new LocalLiveness(locals);
        result.Flow(nodes, new BitArray(locals), []);
        return result;
    }

    // ------------------------------------------------------------------ the instruction tree

    private enum Kind : byte { Get, Set, Call, Br, BrIf, BrTable, Exit, Block, Loop, If, Other }

    /// <summary>One instruction of interest; blocks, loops and ifs hold their bodies.</summary>
    private sealed class Node(Kind kind, int offset)
    {
        public Kind Kind { get; } = kind;
        public int Offset { get; } = offset;
        public int Local;
        public uint[] Labels = [];
        public List<Node>? Body;
        public List<Node>? Else;
    }

    /// <summary>Reads instructions up to the <c>end</c> (or <c>else</c>) that closes the current
    /// sequence; false on an instruction whose control flow is not modelled.</summary>
    private static bool Parse(ref WasmReader reader, List<Node> into, out bool endedByElse)
    {
        endedByElse = false;
        while (true)
        {
            int offset = reader.Offset;
            var op = reader.ReadOpcode();
            if (Unmodelled.Contains(op)) return false;
            switch (op)
            {
                case Opcode.End:
                    return true;
                case Opcode.Else:
                    endedByElse = true;
                    return true;
                case Opcode.Block or Opcode.Loop:
                    {
                        reader.ReadBlockType();
                        var node = new Node(op == Opcode.Loop ? Kind.Loop : Kind.Block, offset) { Body = [] };
                        if (!Parse(ref reader, node.Body, out _)) return false;
                        into.Add(node);
                        break;
                    }
                case Opcode.If:
                    {
                        reader.ReadBlockType();
                        var node = new Node(Kind.If, offset) { Body = [] };
                        if (!Parse(ref reader, node.Body, out bool hasElse)) return false;
                        if (hasElse)
                        {
                            node.Else = [];
                            if (!Parse(ref reader, node.Else, out _)) return false;
                        }
                        into.Add(node);
                        break;
                    }
                case Opcode.LocalGet:
                    into.Add(new Node(Kind.Get, offset) { Local = (int)reader.ReadU32() });
                    break;
                case Opcode.LocalSet or Opcode.LocalTee:
                    into.Add(new Node(Kind.Set, offset) { Local = (int)reader.ReadU32() });
                    break;
                case Opcode.Br or Opcode.BrIf:
                    into.Add(new Node(op == Opcode.Br ? Kind.Br : Kind.BrIf, offset) { Labels = [reader.ReadU32()] });
                    break;
                case Opcode.BrTable:
                    {
                        uint count = reader.ReadU32();
                        var labels = new uint[count + 1];
                        for (int i = 0; i < labels.Length; i++) labels[i] = reader.ReadU32();
                        into.Add(new Node(Kind.BrTable, offset) { Labels = labels });
                        break;
                    }
                case Opcode.Return or Opcode.Unreachable:
                    into.Add(new Node(Kind.Exit, offset));
                    break;
                case Opcode.Call or Opcode.CallIndirect or Opcode.CallRef:
                    SkipImmediates(ref reader, op);
                    into.Add(new Node(Kind.Call, offset));
                    break;
                case Opcode.ReturnCall or Opcode.ReturnCallIndirect or Opcode.ReturnCallRef:
                    // A call, then a return: nothing is live after it.
                    SkipImmediates(ref reader, op);
                    into.Add(new Node(Kind.Call, offset));
                    into.Add(new Node(Kind.Exit, offset));
                    break;
                default:
                    SkipImmediates(ref reader, op);
                    break;
            }
        }
    }

    private static void SkipImmediates(ref WasmReader reader, Opcode op)
    {
        var info = OpcodeTable.Lookup(op) ?? throw new WasmFormatException("illegal opcode", reader.Offset);
        reader.SkipImmediates(info, WasmFeatures.Wasm3);
    }

    // ------------------------------------------------------------------ the backward flow

    /// <summary>The locals live before <paramref name="nodes"/>, given those live after them and the
    /// live sets of the enclosing labels (innermost last); records call and loop points.</summary>
    private BitArray Flow(List<Node> nodes, BitArray after, List<BitArray> labels)
    {
        var live = new BitArray(after);
        for (int i = nodes.Count - 1; i >= 0; i--)
        {
            var node = nodes[i];
            switch (node.Kind)
            {
                case Kind.Get:
                    if (node.Local < _locals) live[node.Local] = true;
                    break;
                case Kind.Set:
                    if (node.Local < _locals) live[node.Local] = false;
                    break;
                case Kind.Call:
                    _at[node.Offset] = new BitArray(live);
                    break;
                case Kind.Br:
                    live = new BitArray(Target(labels, node.Labels[0]));
                    break;
                case Kind.BrIf:
                    live.Or(Target(labels, node.Labels[0]));
                    break;
                case Kind.BrTable:
                    live = new BitArray(_locals);
                    foreach (uint label in node.Labels) live.Or(Target(labels, label));
                    break;
                case Kind.Exit:
                    live = new BitArray(_locals);
                    break;
                case Kind.Block:
                    labels.Add(live);
                    live = Flow(node.Body!, live, labels);
                    labels.RemoveAt(labels.Count - 1);
                    break;
                case Kind.Loop:
                    {
                        // A branch to a loop goes to its head: iterate from nothing live there
                        // until the head's set stops growing.
                        var head = new BitArray(_locals);
                        while (true)
                        {
                            labels.Add(head);
                            var next = Flow(node.Body!, live, labels);
                            labels.RemoveAt(labels.Count - 1);
                            if (Same(next, head)) break;
                            head = next;
                        }
                        _at[node.Offset] = head;
                        live = new BitArray(head);
                        break;
                    }
                case Kind.If:
                    {
                        labels.Add(live);
                        var then = Flow(node.Body!, live, labels);
                        var otherwise = node.Else is { } other ? Flow(other, live, labels) : new BitArray(live);
                        labels.RemoveAt(labels.Count - 1);
                        live = then.Or(otherwise);
                        break;
                    }
            }
        }
        return live;
    }

    /// <summary>The live set at branch target <paramref name="depth"/>: a block's end (what is live
    /// after it), a loop's head; depth beyond the blocks is the function's end, where nothing is.</summary>
    private BitArray Target(List<BitArray> labels, uint depth) =>
        depth < (uint)labels.Count ? labels[labels.Count - 1 - (int)depth] : new BitArray(_locals);

    private static bool Same(BitArray a, BitArray b)
    {
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i]) return false;
        }
        return true;
    }
}
