using static Tessera.Security.Tests.Hostile.ModuleBytes;

namespace Tessera.Security.Tests.Hostile;

/// <summary>
/// A module of many small functions, for the function-count limits and for compile time against
/// the number of functions (the compile benchmark links this file, so both measure one shape).
/// Every function has type <c>(i32) -&gt; i32</c>; function i returns its argument plus i, except
/// that when the argument is zero it returns what function i - 1 returns for 1, which is i. So
/// <c>last(0)</c> is n - 1 (through a call of function n - 2), <c>last(x)</c> is x + n - 1 for
/// any other x, and <c>f0(x)</c> is x. Function 0 is exported as "f0", the last as "last".
/// </summary>
internal static class ManyFunctionsModule
{
    /// <param name="n">How many functions (at least 1).</param>
    /// <param name="loopInFirst">Function 0 gets an empty loop: under preemption every function
    /// that calls a function with a loop is resumable, so all of them are.</param>
    public static byte[] Build(int n, bool loopInFirst = false)
    {
        var bytes = new List<byte>(n * 16 + 64);
        bytes.AddRange(Header);
        bytes.AddRange(Section(1, Vector([0x60, 0x01, 0x7f, 0x01, 0x7f])));
        bytes.AddRange(Section(3, [.. Leb((ulong)n), .. Repeat([0x00], n)]));
        bytes.AddRange(Section(7, Vector(
            [.. Name("f0"u8), 0x00, 0x00],
            [.. Name("last"u8), 0x00, .. Leb((ulong)(n - 1))])));
        var code = new List<byte>(n * 16);
        code.AddRange(Leb((ulong)n));
        for (int i = 0; i < n; i++)
        {
            byte[] body = [0x00, .. Body(i, loopInFirst && i == 0), 0x0b];
            code.AddRange(Leb((ulong)body.Length));
            code.AddRange(body);
        }
        bytes.AddRange(Section(10, [.. code]));
        return [.. bytes];
    }

    private static byte[] Name(ReadOnlySpan<byte> utf8) => [.. Leb((ulong)utf8.Length), .. utf8];

    private static byte[] Body(int i, bool loop)
    {
        // local.get 0; i32.const i; i32.add
        byte[] sum = [0x20, 0x00, 0x41, .. SignedLeb(i), 0x6a];
        if (loop) return [0x03, 0x40, 0x0b, .. sum];
        if (i == 0) return sum;
        // if (local.get 0 == 0) { return f(i - 1)(1) }
        return [0x20, 0x00, 0x45, 0x04, 0x40, 0x41, 0x01, 0x10, .. Leb((ulong)(i - 1)), 0x0f, 0x0b, .. sum];
    }
}
