namespace Tessera.Wasm.Text;

/// <summary>An instruction's place: its offset in the binary (relative to what the mark's owner says) and in the text.</summary>
public readonly record struct SourceMark(int Offset, TextPosition Position);

/// <summary>
/// Maps byte offsets of an assembled module back to positions in its text, so that errors found
/// in the binary (validation, traps) can name a line and column. Every instruction is marked; an
/// offset maps to the instruction that contains it.
/// </summary>
public sealed class SourceMap
{
    private readonly SourceMark[] _marks;

    internal SourceMap(List<SourceMark> marks)
    {
        // A stable sort: of two marks at one offset (a function and its first instruction), the later wins.
        _marks = marks.OrderBy(static m => m.Offset).ToArray();
    }

    /// <summary>The number of marked instructions.</summary>
    public int Count => _marks.Length;

    /// <summary>The text position of the instruction at or before <paramref name="offset"/>, if one is marked.</summary>
    public bool TryFind(int offset, out TextPosition position)
    {
        int lo = 0, hi = _marks.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_marks[mid].Offset <= offset)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        position = found >= 0 ? _marks[found].Position : default;
        return found >= 0;
    }
}
