using Tessera.Wasm.Binary;

namespace Tessera.Wasm.Text;

/// <summary>
/// The structure of instruction sequences: blocks, ifs and folded operands, read with an explicit
/// stack of open constructs instead of recursion, so the host stack used does not grow with the
/// nesting of the text. Folded nesting is bounded by <see cref="TextLimits.MaxNestingDepth"/>
/// (the S-expression reader refuses deeper lists); flat <c>block ... end</c> nesting by the input
/// alone, one small heap object per open block, and by the validator's nesting limit afterwards.
/// </summary>
internal sealed partial class InstructionParser
{
    /// <summary>What an open construct is doing: which part of its text the next step reads.</summary>
    private enum Step : byte
    {
        /// <summary>A body or constant expression: instructions up to the end of the list.</summary>
        Sequence,
        /// <summary>A folded plain instruction: its folded operands, then its own code.</summary>
        Operands,
        /// <summary><c>(block ...)</c>, <c>(loop ...)</c>, <c>(try_table ...)</c>: instructions up to the end of the list.</summary>
        FoldedBlock,
        /// <summary><c>(if ...)</c> before <c>(then ...)</c>: the folded condition.</summary>
        FoldedCondition,
        /// <summary>The instructions of <c>(then ...)</c>.</summary>
        FoldedThen,
        /// <summary>The instructions of <c>(else ...)</c>.</summary>
        FoldedElse,
        /// <summary>A flat <c>block</c>, <c>loop</c>, <c>if</c> or <c>try_table</c>: instructions up to <c>end</c> (or <c>else</c>).</summary>
        FlatBody,
        /// <summary>The instructions of a flat <c>if</c> after <c>else</c>, up to <c>end</c>.</summary>
        FlatElse,
    }

    /// <summary>One open construct. <see cref="Cursor"/> reads the construct's own list (for flat
    /// blocks, the enclosing list they share); <see cref="Inner"/> reads a <c>then</c> or <c>else</c>
    /// list; <see cref="Code"/> holds code written aside: a folded instruction's own code (written
    /// after its operands), an if's header (written after its condition), or the outer writer
    /// while an else branch is written aside (an empty one is left out).</summary>
    private sealed class Open(Step step, SCursor cursor)
    {
        public Step Step = step;
        public readonly SCursor Cursor = cursor;
        public SCursor? Inner;
        public string? Label;
        public bool IsIf;
        public (WasmWriter Writer, List<SourceMark> Marks) Code;
    }

    private readonly Stack<Open> _open = new();

    /// <summary>Reads until the construct pushed last and everything opened inside it are closed.</summary>
    private void Run()
    {
        while (_open.TryPeek(out var open))
        {
            switch (open.Step)
            {
                case Step.Sequence:
                    if (open.Cursor.AtEnd) _open.Pop();
                    else Instruction(open.Cursor);
                    break;
                case Step.Operands:
                    if (!open.Cursor.AtEnd)
                    {
                        if (open.Cursor.Peek() is not SList operand) throw open.Cursor.Unexpected();
                        open.Cursor.Next();
                        Folded(operand);
                        break;
                    }
                    Append(open.Code);
                    _open.Pop();
                    break;
                case Step.FoldedBlock:
                    if (!open.Cursor.AtEnd) Instruction(open.Cursor);
                    else Close();
                    break;
                case Step.FoldedCondition:
                    if (open.Cursor.Peek() is SList condition && condition.Head != "then")
                    {
                        open.Cursor.Next();
                        Folded(condition);
                        break;
                    }
                    if (!open.Cursor.TryList("then", out var then)) throw open.Cursor.AtEnd ? open.Cursor.UnexpectedEnd() : open.Cursor.Unexpected();
                    Append(open.Code);
                    _labels.Add(open.Label);
                    open.Inner = new SCursor(then, _source, 1);
                    open.Step = Step.FoldedThen;
                    break;
                case Step.FoldedThen:
                    if (!open.Inner!.AtEnd) Instruction(open.Inner);
                    else if (open.Cursor.TryList("else", out var @else))
                    {
                        open.Inner = new SCursor(@else, _source, 1);
                        open.Code = BeginDetour();
                        open.Step = Step.FoldedElse;
                    }
                    else
                    {
                        open.Cursor.ExpectEnd();
                        Close();
                    }
                    break;
                case Step.FoldedElse:
                    if (!open.Inner!.AtEnd)
                    {
                        Instruction(open.Inner);
                        break;
                    }
                    ElseBranch(EndDetour(open.Code));
                    open.Cursor.ExpectEnd();
                    Close();
                    break;
                case Step.FlatBody:
                    if (open.Cursor.PeekKeyword("end") || (open.IsIf && open.Cursor.PeekKeyword("else")))
                    {
                        if (open.IsIf && open.Cursor.TryKeyword("else"))
                        {
                            EndLabel(open.Cursor, open.Label);
                            open.Code = BeginDetour();
                            open.Step = Step.FlatElse;
                            break;
                        }
                        CloseFlat(open);
                        break;
                    }
                    if (open.Cursor.AtEnd) throw open.Cursor.UnexpectedEnd();
                    Instruction(open.Cursor);
                    break;
                case Step.FlatElse:
                    if (open.Cursor.PeekKeyword("end"))
                    {
                        ElseBranch(EndDetour(open.Code));
                        CloseFlat(open);
                        break;
                    }
                    if (open.Cursor.AtEnd) throw open.Cursor.UnexpectedEnd();
                    Instruction(open.Cursor);
                    break;
            }
        }
    }

    /// <summary>Reads one instruction; a structured one is opened and read by <see cref="Run"/>.</summary>
    private void Instruction(SCursor c)
    {
        var e = c.Next();
        if (e is SList list)
        {
            Folded(list);
            return;
        }
        if (e is not SAtom { Kind: AtomKind.Keyword } keyword) throw SCursor.Unexpected(e, _source);
        if (keyword.Text is "block" or "loop" or "if" or "try_table")
        {
            var label = c.TryId();
            BlockHeader(keyword, c);
            _labels.Add(label);
            _open.Push(new Open(Step.FlatBody, c) { Label = label, IsIf = keyword.Text == "if" });
            return;
        }
        Plain(keyword, c);
    }

    /// <summary>Opens a folded instruction: writes what comes first and leaves the rest to <see cref="Run"/>.</summary>
    private void Folded(SList list)
    {
        var c = new SCursor(list, _source, 1);
        if (list.Items.Count == 0 || list.Items[0] is not SAtom { Kind: AtomKind.Keyword } keyword)
            throw list.Items.Count == 0 ? c.UnexpectedEnd() : SCursor.Unexpected(list.Items[0], _source);
        switch (keyword.Text)
        {
            case "block" or "loop" or "try_table":
                {
                    var label = c.TryId();
                    BlockHeader(keyword, c);
                    _labels.Add(label);
                    _open.Push(new Open(Step.FoldedBlock, c));
                    return;
                }
            case "if":
                {
                    // The header is written after the condition, which the text puts between them.
                    var label = c.TryId();
                    var outer = BeginDetour();
                    Mark(c.List);
                    _w.Opcode(Opcode.If);
                    BlockType(c);
                    _open.Push(new Open(Step.FoldedCondition, c) { Label = label, Code = EndDetour(outer) });
                    return;
                }
            default:
                {
                    // Immediates come first in the text but after the operands in the code.
                    var outer = BeginDetour();
                    Plain(keyword, c);
                    _open.Push(new Open(Step.Operands, c) { Code = EndDetour(outer) });
                    return;
                }
        }
    }

    /// <summary>Ends a folded block or if: its label goes out of scope and <c>end</c> is written.</summary>
    private void Close()
    {
        _labels.RemoveAt(_labels.Count - 1);
        _w.Opcode(Opcode.End);
        _open.Pop();
    }

    /// <summary>Ends a flat block at its <c>end</c>, with the optional repeated label.</summary>
    private void CloseFlat(Open open)
    {
        open.Cursor.ExpectKeyword("end");
        EndLabel(open.Cursor, open.Label);
        Close();
    }

    /// <summary>Writes <c>else</c> and the branch, or nothing when the branch is empty (the binary
    /// format lets an empty else be left out, and wabt does).</summary>
    private void ElseBranch((WasmWriter Writer, List<SourceMark> Marks) code)
    {
        if (code.Writer.Length == 0) return;
        _w.Opcode(Opcode.Else);
        Append(code);
    }
}
