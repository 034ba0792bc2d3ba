using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Files;

/// <summary>
/// The bytes a guest may still write to one output (stdout or stderr), so a guest writing without
/// end is bounded. Once spent, writes fail with <see cref="Errno.FBig"/>, as a POSIX write beyond
/// RLIMIT_FSIZE does; a write that crosses the limit is cut short at it.
/// </summary>
internal sealed class OutputBudget(long limit)
{
    private long _left = limit;

    /// <summary>Reserves up to <paramref name="wanted"/> bytes; returns how many may be written (at least 1).</summary>
    public int Take(int wanted)
    {
        if (wanted == 0) return 0;
        if (_left <= 0) throw new WasiException(Errno.FBig);
        int granted = (int)Math.Min(wanted, _left);
        _left -= granted;
        return granted;
    }

    /// <summary>Returns bytes reserved but not written.</summary>
    public void Refund(int bytes) => _left += bytes;
}
