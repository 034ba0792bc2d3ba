using Tessera.Wasi;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Security.Tests.Escape;

/// <summary>
/// Host-function misuse through WASI: every function of <see cref="WasiModule.Functions"/> that
/// takes a pointer is called with each of its pointers and lengths made bad in turn, all other
/// arguments valid (<see cref="WasiCalls"/>), and from a module with no memory. The specification
/// (wasi_snapshot_preview1: "$fault: Bad address") answers errno FAULT (21); a call that faults
/// must also have changed nothing: not one byte of the guest's memory (no partial write), nor
/// the files, stdio or socket behind the descriptors (<see cref="WasiSandbox.Observe"/>).
/// </summary>
public sealed class WasiMisuseTests
{
    private const int Fault = 21;
    private const int End = WasiSandbox.PageBytes;

    /// <summary>One row per function x pointer parameter x way of being bad, plus one per
    /// function for a module without memory; a function missing from <see cref="WasiCalls"/>
    /// yields a row that fails.</summary>
    public static TheoryData<string, int, string> Misuses()
    {
        var rows = new TheoryData<string, int, string>();
        foreach (var function in WasiModule.Functions)
        {
            if (!WasiCalls.All.TryGetValue(function, out var parameters))
            {
                rows.Add(function, -1, "undescribed");
                continue;
            }
            for (int p = 0; p < parameters.Length; p++)
            {
                bool counted = parameters.Any(x => x is Length l && l.Of == p);
                IEnumerable<string> kinds = parameters[p] switch
                {
                    Region => counted ? ["at-end", "straddling", "negative", "length-overflow"] : ["at-end", "straddling", "negative"],
                    Iovecs => ["at-end", "straddling", "negative", "length-overflow", "entry-at-end", "entry-straddling", "entry-negative", "entry-length-overflow"],
                    _ => [],
                };
                foreach (var kind in kinds) rows.Add(function, p, kind);
            }
            if (WasiCalls.TakesPointers(function)) rows.Add(function, -1, "no-memory");
        }
        return rows;
    }

    public static TheoryData<string> FunctionsWithPointers() =>
        new(WasiModule.Functions.Where(f => WasiCalls.All.ContainsKey(f) && WasiCalls.TakesPointers(f)));

    [Fact]
    public void TheTableDescribesEveryWasiFunctionWithItsSignature()
    {
        var linker = WasiModule.Define(new Linker(), new WasiContext(new WasiConfiguration()));
        Assert.Equal(WasiModule.Functions.Order(), WasiCalls.All.Keys.Order());
        foreach (var (function, parameters) in WasiCalls.All)
        {
            Assert.True(linker.TryGet(WasiModule.Name, function, out var item), function);
            var types = ((Func)item!).Type.Parameters;
            Assert.True(types.Length == parameters.Length, $"{function}: {types.Length} parameters, the table has {parameters.Length}");
            for (int p = 0; p < parameters.Length; p++)
            {
                // Pointers and lengths are i32 (wasm32); a length names a pointer before or after it.
                if (parameters[p] is Region or Iovecs or Length) Assert.True(types[p] == ValType.I32, $"{function} parameter {p}");
                if (parameters[p] is Length l) Assert.True(parameters[l.Of] is Region or Iovecs, $"{function} parameter {p}");
            }
        }
        // Pointers were found: the rows below are not vacuous.
        Assert.True(WasiModule.Functions.Count(WasiCalls.TakesPointers) >= 30);
    }

    /// <summary>The control: with every argument as laid out, each call succeeds, so a FAULT in a
    /// misuse row comes from the one argument that row spoils.</summary>
    [Theory]
    [MemberData(nameof(FunctionsWithPointers))]
    public void WellFormedCallsSucceed(string function)
    {
        using var sandbox = new WasiSandbox(WasiCalls.UsesSockets(function));
        var instance = sandbox.Instantiate(function, withMemory: true);
        var args = Lay(function, instance.GetMemory("memory"), sandbox, -1, "valid");
        Assert.Equal(0, WasiSandbox.Call(instance, function, args));
    }

    [Theory]
    [MemberData(nameof(Misuses))]
    public void BadPointersFaultAndChangeNothing(string function, int parameter, string kind)
    {
        Assert.True(kind != "undescribed", $"{function} is not described in WasiCalls: describe its parameters");
        using var sandbox = new WasiSandbox(WasiCalls.UsesSockets(function));
        bool withMemory = kind != "no-memory";
        var instance = sandbox.Instantiate(function, withMemory);
        var memory = instance.GetMemory("memory");
        var args = Lay(function, memory, sandbox, parameter, kind);
        var before = memory?.Span.ToArray();
        string outside = sandbox.Observe();

        Assert.Equal(Fault, WasiSandbox.Call(instance, function, args));

        if (memory is not null) Assert.True(before.AsSpan().SequenceEqual(memory.Span), $"{function}: guest memory changed");
        Assert.Equal(outside, sandbox.Observe());
    }

    /// <summary>Fills memory with a pattern, places each region's content and each iovec array,
    /// and returns the arguments, with parameter <paramref name="bad"/> spoilt as
    /// <paramref name="kind"/> says.</summary>
    private static long[] Lay(string function, Memory? memory, WasiSandbox sandbox, int bad, string kind)
    {
        var parameters = WasiCalls.All[function];
        var span = memory is null ? Span<byte>.Empty : memory.Span;
        for (int i = 0; i < span.Length; i++) span[i] = (byte)(i * 7 + 3);
        var args = new long[parameters.Length];
        var iovecArrays = new Dictionary<int, int>();
        long next = 1024;
        long Allocate(int size)
        {
            long at = next;
            next = (next + size + 7) / 8 * 8 + 64;
            return at;
        }
        void Write(long at, ReadOnlySpan<byte> bytes)
        {
            if (memory is not null) bytes.CopyTo(memory.Span[(int)at..]);
        }
        for (int p = 0; p < parameters.Length; p++)
        {
            switch (parameters[p])
            {
                case Scalar s:
                    args[p] = s.Value(sandbox);
                    break;
                case Region r:
                    args[p] = Allocate(r.Size);
                    if (r.Content is { } content) Write(args[p], content);
                    break;
                case Iovecs v:
                    args[p] = Allocate(v.Buffers.Length * 8);
                    iovecArrays[p] = v.Buffers.Length;
                    for (int b = 0; b < v.Buffers.Length; b++)
                    {
                        long buffer = Allocate(v.Buffers[b].Length);
                        Write(buffer, v.Buffers[b]);
                        Write(args[p] + 8 * b, BitConverter.GetBytes((uint)buffer));
                        Write(args[p] + 8 * b + 4, BitConverter.GetBytes((uint)v.Buffers[b].Length));
                    }
                    break;
            }
        }
        for (int p = 0; p < parameters.Length; p++)
        {
            if (parameters[p] is Length l)
                args[p] = parameters[l.Of] is Region r ? r.Size / l.Unit : iovecArrays[l.Of];
        }
        if (bad < 0) return args;

        int lengthParameter = Array.FindIndex(parameters, x => x is Length l && l.Of == bad);
        int unit = lengthParameter >= 0 ? ((Length)parameters[lengthParameter]).Unit : 1;
        int size = parameters[bad] switch { Region r => r.Size, Iovecs v => v.Buffers.Length * 8, _ => throw new ArgumentException(kind) };
        switch (kind)
        {
            case "at-end": args[bad] = End; break;
            case "straddling": args[bad] = End - size + 1; break;
            // -1 as an i32 is the u32 2^32 - 1.
            case "negative": args[bad] = -1; break;
            // A length or count that wraps pointer + length (computed in 32 bits) back into memory:
            // 2^32 - 8 bytes, or 2^29 units of 8, 32 or 48 bytes (2^32 or more bytes).
            case "length-overflow": args[lengthParameter] = unit == 1 && parameters[bad] is Region ? -8 : 0x2000_0000; break;
            default:
                // An entry of the iovec array: the second, so a first valid buffer would show a partial transfer.
                var (pointer, length) = kind switch
                {
                    "entry-at-end" => (End, 4L),
                    "entry-straddling" => (End - 2, 4L),
                    "entry-negative" => (-1, 4L),
                    "entry-length-overflow" => (1024, 0xFFFF_FFF8L),
                    _ => throw new ArgumentException(kind),
                };
                Write(args[bad] + 8, BitConverter.GetBytes((uint)pointer));
                Write(args[bad] + 12, BitConverter.GetBytes((uint)length));
                break;
        }
        return args;
    }
}
