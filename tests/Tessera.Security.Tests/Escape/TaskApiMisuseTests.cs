using System.Text;
using System.Text.RegularExpressions;
using Tessera.Kernel;
using Tessera.Kernel.Tasks;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Security.Tests.Escape;

/// <summary>
/// Host-function misuse through the task API (<c>tessera_task</c>). docs/abi.md is the
/// specification: its table lists every function with its type, and says a range outside the
/// caller's memory traps with <c>MemoryOutOfBounds</c> and the task dies while others go on. Each
/// row runs one misusing task beside a bystander task that waits 100 ms for a message and
/// returns what it got: the misuser must end Trapped / MemoryOutOfBounds, the bystander
/// normally with nothing received (no message escaped), and the misuser's memory (imported from
/// the host, so it can be read after the task is gone) must be byte for byte as before.
/// </summary>
public sealed partial class TaskApiMisuseTests
{
    private const int End = Memory.PageSize;
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);

    /// <summary>The functions that take a pointer, as <see cref="WasiCalls"/> describes WASI's; the
    /// bystander's id is <c>to</c>. Every other function of the table must take no i32 but tags
    /// and slots (checked below).</summary>
    private static readonly Dictionary<string, Param[]> Pointers = new()
    {
        ["send"] = [new Scalar(_ => 0), Scalar.Of(0), new Region(8, BitConverter.GetBytes(0x0102030405060708L)), new Length(2)],
        ["send_move"] = [new Scalar(_ => 0), Scalar.Of(0), new Region(8, BitConverter.GetBytes(0x0102030405060708L)), new Length(2)],
        ["receive"] = [Scalar.Of(-1), new Region(16), new Length(1), Scalar.Of(-1), new Region(16)],
        ["register"] = [new Region(6, "worker"u8.ToArray()), new Length(0)],
        ["whereis"] = [new Region(6, "worker"u8.ToArray()), new Length(0)],
    };

    /// <summary>The other functions' i32 parameters, which are not addresses.</summary>
    private static readonly HashSet<string> Scalars = ["spawn", "spawn_local", "send_value", "receive_value"];

    private const long Nothing = long.MinValue;

    [GeneratedRegex(@"^\| `(\w+)` \| `\(([^)]*)\) -> \(?(\w*)\)?` \|", RegexOptions.Multiline)]
    private static partial Regex AbiRow();

    /// <summary>(name, parameter types, result types) of each row of the table of docs/abi.md's
    /// section on <paramref name="module"/>: the document's opening section (before its first
    /// <c>##</c>) for <c>tessera_task</c>, the <c>##</c> section naming the module otherwise.</summary>
    private static List<(string Name, string[] Parameters, string[] Results)> Documented(string module = "tessera_task")
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tessera.slnx"))) dir = dir.Parent;
        var text = File.ReadAllText(Path.Combine(dir?.FullName ?? throw new InvalidOperationException("no repository root"), "docs", "abi.md"));
        var sections = text.Split("\n## ");
        string section = module == "tessera_task" ? sections[0] : sections.Single(x => x[..x.IndexOf('\n')].Contains($"`{module}`"));
        return AbiRow().Matches(section).Select(m => (
            m.Groups[1].Value,
            m.Groups[2].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.Split(':')[1].Trim()).ToArray(),
            m.Groups[3].Value.Length == 0 ? Array.Empty<string>() : [m.Groups[3].Value])).ToList();
    }

    public static TheoryData<string, int, string> Misuses()
    {
        var rows = new TheoryData<string, int, string>();
        foreach (var (name, parameters, _) in Documented())
        {
            if (!Pointers.TryGetValue(name, out var described)) continue;
            for (int p = 0; p < described.Length; p++)
            {
                if (described[p] is not Region) continue;
                foreach (var kind in new[] { "at-end", "straddling", "negative", "length-overflow" })
                {
                    if (kind == "length-overflow" && !described.Any(x => x is Length l && l.Of == p)) continue;
                    rows.Add(name, p, kind);
                }
            }
            rows.Add(name, -1, "no-memory");
        }
        return rows;
    }

    public static TheoryData<string> FunctionsWithPointers() => new(Pointers.Keys);

    [Fact]
    public void TheDocumentedTableIsWhatTheKernelDefines()
    {
        using var kernel = new Kernel.Kernel(new KernelOptions { Workers = 1, TimerThread = false });
        var documented = Documented();
        Assert.True(documented.Count >= 13, $"{documented.Count} functions parsed from docs/abi.md");
        foreach (var (name, parameters, results) in documented)
        {
            Assert.True(kernel.Linker.TryGet("tessera_task", name, out var item), name);
            var type = ((Func)item!).Type;
            Assert.Equal(parameters, type.Parameters.Select(WasiSandbox.Name));
            Assert.Equal(results, type.Results.Select(WasiSandbox.Name));
            if (Pointers.TryGetValue(name, out var described)) Assert.Equal(parameters.Length, described.Length);
            // A function taking i32s that are not listed as pointers must be known to take none.
            else if (parameters.Contains("i32")) Assert.Contains(name, Scalars);
        }
        Assert.Subset(documented.Select(d => d.Name).ToHashSet(), Pointers.Keys.ToHashSet());
    }

    [Fact]
    public void TheDocumentedDeviceTableIsWhatTheKernelDefines()
    {
        // tessera_device takes no pointers: a line number and a timeout.
        using var kernel = new Kernel.Kernel(new KernelOptions { Workers = 1, TimerThread = false });
        var documented = Documented("tessera_device");
        Assert.Equal(["lines", "wait"], documented.Select(d => d.Name));
        foreach (var (name, parameters, results) in documented)
        {
            Assert.True(kernel.Linker.TryGet("tessera_device", name, out var item), name);
            var type = ((Func)item!).Type;
            Assert.Equal(parameters, type.Parameters.Select(WasiSandbox.Name));
            Assert.Equal(results, type.Results.Select(WasiSandbox.Name));
        }
    }

    /// <summary>The control: laid out as the table says, each call returns and the task ends normally.</summary>
    [Theory]
    [MemberData(nameof(FunctionsWithPointers))]
    public async Task WellFormedCallsReturn(string function)
    {
        var (misuser, bystander, changed) = await Run(function, -1, "valid");
        Assert.Equal(ExitKind.Normal, misuser.Kind);
        Assert.Equal(ExitKind.Normal, bystander.Kind);
        // send and send_move delivered their 8 bytes to the bystander; nothing else sends it anything.
        bool sends = function is "send" or "send_move";
        Assert.Equal(sends ? 0x0102030405060708L : Nothing, bystander.Results[0].AsI64());
        // receive wrote the message and its header; send_move zeroed what it gave up (docs/abi.md);
        // the others only read.
        Assert.Equal(function is "receive" or "send_move", changed);
    }

    [Theory]
    [MemberData(nameof(Misuses))]
    public async Task BadPointersTrapTheTaskAlone(string function, int parameter, string kind)
    {
        var (misuser, bystander, changed) = await Run(function, parameter, kind);
        Assert.Equal(ExitKind.Trapped, misuser.Kind);
        Assert.Equal(TrapKind.MemoryOutOfBounds, misuser.Trap);
        Assert.Equal(ExitKind.Normal, bystander.Kind);
        Assert.Equal(Nothing, bystander.Results[0].AsI64());
        Assert.False(changed, "the misusing task's memory changed");
    }

    [Fact]
    public async Task NamesLongerThan256BytesAreRefusedNotTrapped()
    {
        using var kernel = new Kernel.Kernel(new KernelOptions { Workers = 2 });
        var module = kernel.Load("""
            (module
              (import "tessera_task" "register" (func $register (param i32 i32) (result i32)))
              (import "tessera_task" "whereis" (func $whereis (param i32 i32) (result i64)))
              (memory 1)
              (func (export "main") (result i32 i64 i32)
                (call $register (i32.const 0) (i32.const 257))
                (call $whereis (i32.const 0) (i32.const 257))
                (call $register (i32.const 0) (i32.const 256))))
            """);
        var reason = await kernel.Spawn(module, "main").Exited.WaitAsync(s_patience);
        Assert.Equal(ExitKind.Normal, reason.Kind);
        // docs/abi.md: -3 for a name longer than 256 bytes, whereis 0; 256 bytes is a name.
        Assert.Equal([-3L, 0, 0], reason.Results.Select(v => v.Type == ValType.I32 ? v.AsI32() : v.AsI64()));
    }

    /// <summary>Spawns a task that calls <paramref name="function"/> with arguments laid out by
    /// <see cref="Pointers"/> (the one at <paramref name="bad"/> made bad as <paramref name="kind"/>
    /// says) beside an idle bystander, and reports both exits and whether the misuser's memory
    /// changed.</summary>
    /// <remarks>
    /// The memory is the misuser's own (a store's memory cannot be lent to a task's store). So the
    /// guest fills it (every byte <c>i * 7 + 3</c>, then the regions' contents), hashes it
    /// (FNV-1a over its 64-bit words) and, before the call, starts a sibling in its instance
    /// (<c>spawn_local</c>; the instance outlives a trapped task) that waits for the misuser to end
    /// (<c>monitor</c>, then a <c>receive</c> that writes nothing), hashes the memory again and
    /// sends whether the hashes differ to an observer task, whose result the test reads.
    /// </remarks>
    private static async Task<(ExitReason Misuser, ExitReason Bystander, bool MemoryChanged)> Run(string function, int bad, string kind)
    {
        using var kernel = new Kernel.Kernel(new KernelOptions { Workers = 2 });
        var parameters = Pointers[function];
        var args = new long[parameters.Length];
        var contents = new StringBuilder();
        long next = 1024;
        for (int p = 0; p < parameters.Length; p++)
        {
            if (parameters[p] is Scalar s) args[p] = s.Value(null!);
            if (parameters[p] is not Region r) continue;
            args[p] = next;
            for (int i = 0; i < (r.Content?.Length ?? 0); i++) contents.Append($" (i32.store8 (i32.const {next + i}) (i32.const {r.Content![i]}))");
            next += 64;
        }
        for (int p = 0; p < parameters.Length; p++)
        {
            if (parameters[p] is Length l) args[p] = ((Region)parameters[l.Of]).Size;
        }
        if (bad >= 0)
        {
            int size = ((Region)parameters[bad]).Size;
            int length = Array.FindIndex(parameters, x => x is Length l && l.Of == bad);
            switch (kind)
            {
                case "at-end": args[bad] = End; break;
                case "straddling": args[bad] = End - size + 1; break;
                case "negative": args[bad] = -1; break;
                // 2^32 - 8: pointer + length wraps, in 32 bits, to 8 bytes below the pointer.
                case "length-overflow": args[length] = -8; break;
                default: throw new ArgumentException(kind);
            }
        }

        var type = ((Func)(kernel.Linker.TryGet("tessera_task", function, out var item) ? item! : throw new InvalidOperationException(function))).Type;
        var call = new StringBuilder($"(call $f");
        for (int p = 0; p < args.Length; p++)
        {
            // The bystander's id is the entry's first argument.
            call.Append(p == 0 && function is "send" or "send_move" ? " (local.get 0)" : $" ({WasiSandbox.Name(type.Parameters[p])}.const {args[p]})");
        }
        call.Append(')');
        string drop = type.Results.Length > 0 ? "drop" : "";
        bool memory = kind != "no-memory";
        string checker = $"""
              (memory 1 1)
              (global $misuser (mut i64) (i64.const 0))
              (global $observer (mut i64) (i64.const 0))
              (global $before (mut i64) (i64.const 0))
              (table (export "__indirect_function_table") funcref (elem $checker))
              (func $hash (result i64) (local $i i32) (local $h i64)
                (local.set $h (i64.const 0xcbf29ce484222325))
                (loop $words
                  (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load (local.get $i))) (i64.const 0x100000001b3)))
                  (br_if $words (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 8))) (i32.const {End}))))
                (local.get $h))
              (func $fill (local $i i32)
                (loop $bytes
                  (i32.store8 (local.get $i) (i32.add (i32.mul (local.get $i) (i32.const 7)) (i32.const 3)))
                  (br_if $bytes (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const {End}))))
                {contents})
              (func $checker (param i64)
                (drop (call $monitor (global.get $misuser)))
                ;; The end of the misuser: no buffer and no info, so the receive writes nothing.
                (drop (call $receive (i32.const -2) (i32.const 0) (i32.const 0) (i64.const -1) (i32.const 0)))
                (drop (call $send_value (global.get $observer) (i32.const 0) (i64.extend_i32_u (i64.ne (call $hash) (global.get $before))))))
            """;
        var misuse = kernel.Load($$"""
            (module
              (import "tessera_task" "{{function}}" (func $f (param {{string.Join(' ', type.Parameters.Select(WasiSandbox.Name))}}) (result {{string.Join(' ', type.Results.Select(WasiSandbox.Name))}})))
              (import "tessera_task" "self" (func $self (result i64)))
              (import "tessera_task" "spawn_local" (func $spawn_local (param i32 i64) (result i64)))
              (import "tessera_task" "monitor" (func $monitor (param i64) (result i32)))
              (import "tessera_task" "receive" (func $receive (param i32 i32 i32 i64 i32) (result i32)))
              (import "tessera_task" "send_value" (func $send_value (param i64 i32 i64) (result i32)))
              {{(memory ? checker : "")}}
              (func (export "misuse") (param i64 i64)
                {{(memory ? """
                (global.set $misuser (call $self))
                (global.set $observer (local.get 1))
                (call $fill)
                (global.set $before (call $hash))
                (drop (call $spawn_local (i32.const 0) (i64.const 0)))
                """ : "")}}
                {{call}} {{drop}}))
            """);
        var idle = kernel.Load("""
            (module
              (import "tessera_task" "receive_value" (func $receive_value (param i32 i64) (result i64)))
              (func (export "bystander") (result i64) (call $receive_value (i32.const -1) (i64.const 100)))
              (func (export "observer") (result i64) (call $receive_value (i32.const -1) (i64.const 30000))))
            """);
        var bystander = kernel.Spawn(idle, "bystander");
        var observer = kernel.Spawn(idle, "observer");
        var misuser = kernel.Spawn(misuse, "misuse", Value.I64(bystander.Id.Value), Value.I64(observer.Id.Value));
        // receive's message: 8 bytes from the host.
        if (function == "receive") kernel.Send(misuser.Id, 0, BitConverter.GetBytes(0x1112131415161718L));
        var misuserExit = await misuser.Exited.WaitAsync(s_patience);
        var bystanderExit = await bystander.Exited.WaitAsync(s_patience);
        if (!memory)
        {
            kernel.Kill(observer.Id, "no memory to check");
            return (misuserExit, bystanderExit, false);
        }
        var observed = await observer.Exited.WaitAsync(s_patience);
        Assert.Equal(ExitKind.Normal, observed.Kind);
        long changed = observed.Results[0].AsI64();
        Assert.True(changed is 0 or 1, $"the checker sent nothing: {changed}");
        return (misuserExit, bystanderExit, changed == 1);
    }
}
