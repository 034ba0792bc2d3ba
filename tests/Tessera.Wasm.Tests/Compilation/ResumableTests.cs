using System.Reflection;
using Tessera.Wasm.Runtime;
using Module = Tessera.Wasm.Runtime.Module;

namespace Tessera.Wasm.Tests.Compilation;

/// <summary>
/// Resumable functions: a call suspended in an import holds no thread, resumes (on any thread) with
/// every local and operand intact, and only functions that can reach a suspending import get a
/// resume copy. Expected values are arithmetic done by hand in the comments.
/// </summary>
public class ResumableTests
{
    private static readonly Engine s_engine = new(options: new EngineOptions { SuspendingImports = new HashSet<(string, string)> { ("env", "wait") } });

    /// <summary>env.wait(x) suspends on every first call and, resumed, returns x * 2.</summary>
    private static (Instance Instance, Func<int> Suspensions) Instantiate(string wat, Engine? engine = null)
    {
        int suspensions = 0;
        var wait = Func.Wrap((Caller caller, int x) =>
        {
            if (caller.CompleteResume()) return x * 2;
            suspensions++;
            caller.Suspend();
            return -1;
        });
        engine ??= s_engine;
        var instance = new Linker().Define("env", "wait", wait).Instantiate(new Store(engine), Module.FromText(engine, wat));
        return (instance, () => suspensions);
    }

    private const string Nested = """
        (module
          (import "env" "wait" (func $wait (param i32) (result i32)))
          (func $inner (param $x i32) (result i32) (local $y i64) (local $f f64) (local $v v128)
            (local.set $y (i64.mul (i64.extend_i32_s (local.get $x)) (i64.const 1000000007)))
            (local.set $f (f64.const 2.5))
            (local.set $v (i32x4.splat (i32.const 3)))
            ;; 100 stays on the operand stack across the call
            (i32.add (i32.const 100) (call $wait (local.get $x)))
            (i32.wrap_i64 (i64.rem_u (local.get $y) (i64.const 1000)))
            i32.add
            (i32.trunc_f64_s (f64.mul (local.get $f) (f64.const 2)))
            i32.add
            (i32x4.extract_lane 2 (local.get $v))
            i32.add)
          (func $pure (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
          (func $run (export "run") (param i32) (result i32)
            (i32.add (call $pure (i32.const 1)) (call $inner (local.get 0)))))
        """;

    [Fact]
    public void SuspendedCallResumesWithLocalsAndOperandsIntact()
    {
        var (instance, suspensions) = Instantiate(Nested);
        var call = new SuspendableCall(instance.GetFunc("run")!);
        Assert.False(call.Start(Value.I32(7)));
        Assert.Equal(SuspendableCallState.Suspended, call.State);
        Assert.Equal(1, suspensions());
        Assert.True(call.Resume());
        // pure(1) = 3; y = 7 * 1000000007 = 7000000049, y % 1000 = 49; wait(7) = 14; f * 2 = 5; lane 3
        // 3 + (100 + 14 + 49 + 5 + 3) = 174
        Assert.Equal(174, call.Results[0].AsI32());
        Assert.Equal(1, suspensions());
    }

    /// <summary>Every kind of value a frame can hold comes back bit for bit: the saver methods
    /// (one per list of value kinds) convert each to slot bits and back. NaN payloads, a negative
    /// i32 (sign bits above 32 would show in a sign-extended slot read back wrongly), both halves of
    /// a v128, references by identity, and operand-stack values of several kinds (nine values, so
    /// the saver takes some of them on the machine stack).</summary>
    [Fact]
    public void SuspensionKeepsEveryValueKindBitForBit()
    {
        var (instance, suspensions) = Instantiate("""
            (module
              (import "env" "wait" (func $wait (param i32) (result i32)))
              (table $t 1 funcref)
              (type $five (func (result i32)))
              (func $five (type $five) (i32.const 5))
              (elem declare func $five)
              (func (export "run") (param $r externref)
                (result i32 i64 i32 i64 i64 i64 i32 externref i32 i64 i32)
                (local $a i32) (local $b i64) (local $c f32) (local $d f64) (local $v v128) (local $g funcref)
                (local $s32 f32) (local $s64 i64) (local $w i32)
                (local.set $a (i32.const -7))
                (local.set $b (i64.const 0x8000000000000001))
                (local.set $c (f32.reinterpret_i32 (i32.const 0x7fc00abc)))
                (local.set $d (f64.reinterpret_i64 (i64.const 0xfff0000000000123)))
                (local.set $v (v128.const i64x2 0x0123456789abcdef 0xfedcba9876543210))
                (local.set $g (ref.func $five))
                ;; an f32 and an i64 wait on the operand stack under the call
                (f32.reinterpret_i32 (i32.const 0xff800001))
                (i64.const -2)
                (call $wait (i32.const 21))
                (local.set $w)
                (local.set $s64)
                (local.set $s32)
                (table.set $t (i32.const 0) (local.get $g))
                (local.get $a)
                (local.get $b)
                (i32.reinterpret_f32 (local.get $c))
                (i64.reinterpret_f64 (local.get $d))
                (i64x2.extract_lane 0 (local.get $v))
                (i64x2.extract_lane 1 (local.get $v))
                (call_indirect $t (type $five) (i32.const 0))
                (local.get $r)
                (i32.reinterpret_f32 (local.get $s32))
                (local.get $s64)
                (local.get $w)))
            """);
        var reference = new object();
        var call = new SuspendableCall(instance.GetFunc("run")!);
        Assert.False(call.Start(Value.Reference(Model.ValType.ExternRef, reference)));
        Assert.Equal(1, suspensions());
        Assert.True(call.Resume());
        var results = call.Results;
        Assert.Equal(-7, results[0].AsI32());
        Assert.Equal(unchecked((long)0x8000000000000001UL), results[1].AsI64());
        Assert.Equal(0x7fc00abc, results[2].AsI32());
        Assert.Equal(unchecked((long)0xfff0000000000123UL), results[3].AsI64());
        Assert.Equal(0x0123456789abcdefL, results[4].AsI64());
        Assert.Equal(unchecked((long)0xfedcba9876543210UL), results[5].AsI64());
        Assert.Equal(5, results[6].AsI32());
        Assert.Same(reference, results[7].Ref);
        Assert.Equal(unchecked((int)0xff800001), results[8].AsI32());
        Assert.Equal(-2L, results[9].AsI64());
        // wait(21) resumed returns 21 * 2
        Assert.Equal(42, results[10].AsI32());
    }

    [Fact]
    public void ResumesOnAnotherThread()
    {
        var (instance, _) = Instantiate(Nested);
        var call = new SuspendableCall(instance.GetFunc("run")!);
        Assert.False(call.Start(Value.I32(1)));
        bool done = false;
        var thread = new Thread(() => done = call.Resume());
        thread.Start();
        thread.Join();
        Assert.True(done);
        // 3 + (100 + 2 + 1000000007 % 1000 = 7 + 5 + 3) = 120
        Assert.Equal(120, call.Results[0].AsI32());
    }

    [Fact]
    public void SuspendsInsideALoopEveryIteration()
    {
        var (instance, suspensions) = Instantiate("""
            (module
              (import "env" "wait" (func $wait (param i32) (result i32)))
              (func (export "run") (result i64) (local $i i32) (local $sum i64)
                (loop $next
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (call $wait (local.get $i)))))
                  (br_if $next (i32.lt_u (local.get $i) (i32.const 10))))
                (local.get $sum)))
            """);
        var call = new SuspendableCall(instance.GetFunc("run")!);
        int resumes = 0;
        bool done = call.Start();
        while (!done)
        {
            resumes++;
            done = call.Resume();
        }
        // one suspension per iteration; sum of 2i for i = 1..10 = 110
        Assert.Equal(10, resumes);
        Assert.Equal(10, suspensions());
        Assert.Equal(110L, call.Results[0].AsI64());
        Assert.Equal(0, call.SavedBytes);
    }

    [Fact]
    public void IndirectCallResumesTheCalleeItSuspendedIn()
    {
        // The table entry is replaced while the call is suspended: the frame resumes the old callee.
        var (instance, _) = Instantiate("""
            (module
              (import "env" "wait" (func $wait (param i32) (result i32)))
              (type $t (func (param i32) (result i32)))
              (table (export "t") 2 funcref) (elem (i32.const 0) $waits $plain)
              (func $waits (type $t) (i32.add (call $wait (local.get 0)) (i32.const 1000)))
              (func $plain (type $t) (local.get 0))
              (func (export "swap") (table.set (i32.const 0) (ref.func $plain)))
              (func (export "run") (param i32) (result i32) (call_indirect (type $t) (local.get 0) (i32.const 0))))
            """);
        var call = new SuspendableCall(instance.GetFunc("run")!);
        Assert.False(call.Start(Value.I32(21)));
        instance.GetFunc("swap")!.Invoke();
        Assert.True(call.Resume());
        Assert.Equal(21 * 2 + 1000, call.Results[0].AsI32());
    }

    [Fact]
    public void MultiValueCallAcrossASuspension()
    {
        var (instance, _) = Instantiate("""
            (module
              (import "env" "wait" (func $wait (param i32) (result i32)))
              (func $two (param i32) (result i32 i64) (call $wait (local.get 0)) (i64.const 5))
              (func (export "run") (result i64) (local $b i64)
                (call $two (i32.const 4))
                (local.set $b)
                (i64.extend_i32_s)
                (i64.add (local.get $b))))
            """);
        var call = new SuspendableCall(instance.GetFunc("run")!);
        Assert.False(call.Start());
        Assert.True(call.Resume());
        Assert.Equal(8L + 5L, call.Results[0].AsI64());
    }

    [Fact]
    public void OnlyFunctionsThatReachASuspendingImportGetAResumeCopy()
    {
        var (instance, _) = Instantiate(Nested);
        var names = ResumeCopies(instance);
        Assert.Equal(["inner$resume", "run$resume"], names);
    }

    [Fact]
    public void ModuleWithoutSuspendingImportsHasNoResumableCode()
    {
        // The same import, but an engine that does not declare it suspending.
        var (instance, _) = Instantiate("""(module (import "env" "wait" (func (param i32) (result i32))) (func (export "run") (drop (call 0 (i32.const 1)))))""", new Engine());
        Assert.Empty(ResumeCopies(instance));
    }

    [Fact]
    public void SuspendOutsideASuspendableCallTraps()
    {
        var (instance, _) = Instantiate(Nested);
        var trap = Assert.Throws<WasmTrap>(() => instance.GetFunc("run")!.Invoke(Value.I32(1)));
        Assert.Equal(TrapKind.HostError, trap.Kind);
    }

    [Fact]
    public void SuspendUnderAHostFrameTraps()
    {
        // run -> env.host (not suspending) -> back into WebAssembly -> env.wait: unwinding would
        // return through the host function's frame, so the suspension is refused.
        int suspensions = 0;
        Instance? instance = null;
        var linker = new Linker()
            .Define("env", "wait", Func.Wrap((Caller caller, int x) =>
            {
                caller.Suspend();
                suspensions++;
                return 0;
            }))
            .Define("env", "host", Func.Wrap((int x) => instance!.GetFunc("inner")!.Invoke(Value.I32(x))[0].AsI32()));
        instance = linker.Instantiate(new Store(s_engine), Module.FromText(s_engine, """
            (module
              (import "env" "wait" (func $wait (param i32) (result i32)))
              (import "env" "host" (func $host (param i32) (result i32)))
              (func (export "inner") (param i32) (result i32) (call $wait (local.get 0)))
              (func (export "run") (param i32) (result i32) (call $host (local.get 0))))
            """));
        var call = new SuspendableCall(instance.GetFunc("run")!);
        var trap = Assert.Throws<WasmTrap>(() => call.Start(Value.I32(3)));
        Assert.Equal(TrapKind.HostError, trap.Kind);
        Assert.Equal(0, suspensions);
        Assert.Equal(SuspendableCallState.Failed, call.State);
    }

    [Fact]
    public void TrapAfterResumeFailsTheCallAndClearsItsFrames()
    {
        var (instance, _) = Instantiate("""
            (module
              (import "env" "wait" (func $wait (param i32) (result i32)))
              (func (export "run") (param i32) (result i32) (i32.div_s (i32.const 1) (i32.sub (call $wait (local.get 0)) (i32.const 2)))))
            """);
        var call = new SuspendableCall(instance.GetFunc("run")!);
        Assert.False(call.Start(Value.I32(1)));
        var trap = Assert.Throws<WasmTrap>(() => call.Resume());
        Assert.Equal(TrapKind.IntegerDivideByZero, trap.Kind);
        Assert.Equal(SuspendableCallState.Failed, call.State);
        Assert.Equal(0, call.SavedBytes);
    }

    [Fact]
    public void PreemptibleLoopYieldsWhenAskedAndResumesWhereItWas()
    {
        var engine = new Engine(options: new EngineOptions { Preemptible = true });
        var instance = new Linker().Instantiate(new Store(engine), Module.FromText(engine, """
            (module
              (func $sum (param $n i64) (result i64) (local $i i64) (local $s i64)
                (loop $next
                  (local.set $s (i64.add (local.get $s) (local.get $i)))
                  (local.set $i (i64.add (local.get $i) (i64.const 1)))
                  (br_if $next (i64.lt_u (local.get $i) (local.get $n))))
                (local.get $s))
              (func (export "run") (param i64) (result i64) (i64.add (call $sum (local.get 0)) (i64.const 1))))
            """));
        const long n = 300_000_000;
        var (call, yields) = RunAskedToYieldEveryMillisecond(instance, Value.I64(n));
        // 0 + 1 + ... + (n - 1) = n (n - 1) / 2, plus 1
        Assert.Equal(n * (n - 1) / 2 + 1, call.Results[0].AsI64());
        Assert.True(yields > 0, "the loop never yielded");
    }

    /// <summary>Three loop heads of one function share their save code (one frame shape): each
    /// yield must still resume at its own loop. The loops add 0..n-1, then 2j for j in 0..n-1,
    /// then 1 in a nest of 1000 x n/1000: n(n-1)/2 + n(n-1) + n in all.</summary>
    [Fact]
    public void LoopsSharingSaveCodeEachResumeAtTheirOwnHead()
    {
        var engine = new Engine(options: new EngineOptions { Preemptible = true });
        var instance = new Linker().Instantiate(new Store(engine), Module.FromText(engine, """
            (module
              (func (export "run") (param $n i64) (result i64) (local $i i64) (local $s i64) (local $j i64)
                (loop $a
                  (local.set $s (i64.add (local.get $s) (local.get $i)))
                  (local.set $i (i64.add (local.get $i) (i64.const 1)))
                  (br_if $a (i64.lt_u (local.get $i) (local.get $n))))
                (loop $b
                  (local.set $s (i64.add (local.get $s) (i64.mul (local.get $j) (i64.const 2))))
                  (local.set $j (i64.add (local.get $j) (i64.const 1)))
                  (br_if $b (i64.lt_u (local.get $j) (local.get $n))))
                (local.set $i (i64.const 0))
                (loop $outer
                  (local.set $j (i64.const 0))
                  (loop $inner
                    (local.set $s (i64.add (local.get $s) (i64.const 1)))
                    (local.set $j (i64.add (local.get $j) (i64.const 1)))
                    (br_if $inner (i64.lt_u (local.get $j) (i64.div_u (local.get $n) (i64.const 1000)))))
                  (local.set $i (i64.add (local.get $i) (i64.const 1)))
                  (br_if $outer (i64.lt_u (local.get $i) (i64.const 1000))))
                (local.get $s)))
            """));
        const long n = 100_000_000;
        var (call, yields) = RunAskedToYieldEveryMillisecond(instance, Value.I64(n));
        Assert.Equal(n * (n - 1) / 2 + n * (n - 1) + n, call.Results[0].AsI64());
        Assert.True(yields > 3, $"the loops yielded {yields} times");
    }

    [Fact]
    public void InterruptStopsASpinningLoopFromAnotherThread()
    {
        var engine = new Engine(options: new EngineOptions { Interruptible = true });
        var instance = new Linker().Instantiate(new Store(engine), Module.FromText(engine, """(module (func (export "spin") (loop $l (br $l))))"""));
        Assert.Equal(TrapKind.Interrupted, TrapAfterInterruptFromAnotherThread(instance, () => instance.GetFunc("spin")!.Invoke()));
    }

    /// <summary>Starts <paramref name="call"/> on a thread of its own, interrupts
    /// <paramref name="instance"/> once it has run 50 ms, and returns the kind of the trap it ended with.</summary>
    private static TrapKind TrapAfterInterruptFromAnotherThread(Instance instance, Action call)
    {
        WasmTrap? trap = null;
        var thread = new Thread(() => trap = Assert.Throws<WasmTrap>(call));
        thread.Start();
        Thread.Sleep(50);
        Assert.True(thread.IsAlive);
        instance.Interrupt();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)));
        return trap!.Kind;
    }

    [Fact]
    public void InterruptStopsLoopFreeRecursionAtAFunctionEntryWithoutInterruptChecks()
    {
        // fib(45) makes about 3.7 billion calls and no loop: only a check at function entries can
        // stop it, and that check is the stack check, present in all code (no Interruptible).
        var engine = new Engine();
        var store = new Store(engine);
        const string Fib = """
            (module (func $fib (export "fib") (param i32) (result i32)
              (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
                (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2))))))))
            """;
        var killed = new Linker().Instantiate(store, Module.FromText(engine, Fib));
        var bystander = new Linker().Instantiate(store, Module.FromText(engine, Fib));
        Assert.Equal(TrapKind.Interrupted, TrapAfterInterruptFromAnotherThread(killed, () => killed.GetFunc("fib")!.Invoke(Value.I32(45))));
        // Another instance of the same store still runs (through the entry check's slow path):
        // fib(20) = 6765, and deep recursion there is still a stack exhaustion, not a kill.
        Assert.Equal(6765, bystander.GetFunc("fib")!.Invoke(Value.I32(20))[0].AsI32());
        var deep = new Linker().Instantiate(store, Module.FromText(engine, """(module (func $down (export "down") (call $down)))"""));
        Assert.Equal(TrapKind.StackExhausted, Assert.Throws<WasmTrap>(() => deep.GetFunc("down")!.Invoke()).Kind);
    }

    [Fact]
    public void CallsOfOneInstanceSuspendAndResumeInAnyOrder()
    {
        // Three calls of one instance (tasks sharing it), all suspended at once with different
        // frames, resumed in another order: each keeps its own frames, and they share the memory.
        var (instance, suspensions) = Instantiate("""
            (module
              (import "env" "wait" (func $wait (param i32) (result i32)))
              (memory (export "memory") 1)
              (func (export "run") (param $x i32) (result i32) (local $keep i32)
                (local.set $keep (i32.mul (local.get $x) (i32.const 10)))
                ;; memory[0] += x, before and after the wait: shared by every call
                (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (local.get $x)))
                (i32.add (local.get $keep) (call $wait (local.get $x)))
                (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (local.get $x)))))
            """);
        var calls = new[] { 1, 2, 3 }.Select(x => (X: x, Call: new SuspendableCall(instance.GetFunc("run")!))).ToArray();
        foreach (var (x, call) in calls) Assert.False(call.Start(Value.I32(x)));
        Assert.Equal(3, suspensions());
        Assert.All(calls, c => Assert.True(c.Call.SavedBytes > 0));
        foreach (var (x, call) in calls.Reverse())
        {
            Assert.True(call.Resume());
            // 10x + wait(x) = 10x + 2x
            Assert.Equal(12 * x, call.Results[0].AsI32());
            Assert.Equal(0, call.SavedBytes);
        }
        // each call added x twice: 2 * (1 + 2 + 3)
        Assert.Equal(12, BitConverter.ToInt32(instance.GetMemory("memory")!.Span[..4]));
    }

    [Fact]
    public void ResetInterruptLetsTheInstanceRunAgain()
    {
        var engine = new Engine(options: new EngineOptions { Interruptible = true });
        var store = new Store(engine);
        var instance = new Linker().Instantiate(store, Module.FromText(engine, """
            (module (func $count (export "count") (param i32) (result i32)
              (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
                (else (i32.add (i32.const 1) (call $count (i32.sub (local.get 0) (i32.const 1))))))))
            """));
        var count = instance.GetFunc("count")!;
        instance.Interrupt();
        Assert.Equal(TrapKind.Interrupted, Assert.Throws<WasmTrap>(() => count.Invoke(Value.I32(5))).Kind);
        Assert.True(instance.ResetInterrupt());
        Assert.False(instance.ResetInterrupt());
        // 1,000 nested calls, every entry through the stack check, none of them trapping
        Assert.Equal(1000, count.Invoke(Value.I32(1000))[0].AsI32());
        Assert.Equal(0, store.Interrupted);
    }

    /// <summary>Runs the instance's "run" as a suspendable call while another thread asks it to
    /// yield every millisecond, resuming it each time it does; returns the call and how often it yielded.</summary>
    private static (SuspendableCall Call, int Yields) RunAskedToYieldEveryMillisecond(Instance instance, Value argument)
    {
        var call = new SuspendableCall(instance.GetFunc("run")!);
        using var stop = new CancellationTokenSource();
        var asker = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                instance.RequestYield();
                Thread.Sleep(1);
            }
        });
        asker.Start();
        int yields = 0;
        bool done = call.Start(argument);
        while (!done)
        {
            yields++;
            instance.TakeYieldRequest();
            done = call.Resume();
        }
        stop.Cancel();
        asker.Join();
        return (call, yields);
    }

    private static string[] ResumeCopies(Instance instance)
    {
        // Resume copies live in types of their own beside the functions' (ModuleCompiler.Emit).
        var code = instance.Module.Compiled.Methods[0].Module;
        return code.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)).Select(m => m.Name).Where(n => n.EndsWith("$resume", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
    }
}
