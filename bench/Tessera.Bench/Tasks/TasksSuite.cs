using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Bench.Engine;
using Tessera.Kernel;
using Tessera.Kernel.Devices;
using Tessera.Wasm.Bench;
using TesseraRuntime = Tessera.Wasm.Runtime;

namespace Tessera.Bench.Tasks;

/// <summary>
/// <c>./bench/run tasks [--json FILE] [--runs N]</c>: the task kernel against Erlang/OTP in one run,
/// the same algorithms (bench/tasks/tasks.wat and tasks.erl): spawn and exit, message round trip,
/// skynet, memory per parked task, and the cost of preemption checks on the engine's compute
/// kernels (guest/bench, compiled with and without interrupt checks, timed round-robin). Times are
/// medians of the runs; each run's result is checked.
/// </summary>
internal static class TasksSuite
{
    private const int SpawnN = 100_000;
    private const int RoundN = 100_000;
    private const int SkynetLevels = 6;
    private const int ParkN = 1_000_000;

    /// <param name="only">Just these parts: <c>tasks</c> (Tessera's task figures), <c>parked</c>,
    /// <c>messages</c> (large messages), <c>devices</c> (interrupt wake-up), <c>erlang</c>,
    /// <c>preemption</c>; all when null.</param>
    public static int Run(string? jsonPath, int runs, IReadOnlySet<string>? only)
    {
        string root = EngineSuite.RepoRoot();
        var result = new JsonObject { ["cores"] = Environment.ProcessorCount, ["runs"] = runs };
        bool Part(string name) => only is null || only.Contains(name);
        string wat = File.ReadAllText(Path.Combine(root, "bench", "tasks", "tasks.wat"));

        // spawn_exit's parent hears from all its children only after spawning them all: room for them.
        if (Part("tasks"))
        {
            using (var kernel = new Kernel.Kernel(new KernelOptions { MailboxCapacity = 2 * SpawnN }))
            {
                var reports = new ConcurrentQueue<long>();
                kernel.Linker.Define("env", "report", TesseraRuntime.Func.Wrap((long value) => reports.Enqueue(value)));
                var module = kernel.Load(wat);
                double Time(string export, long argument, long expected)
                {
                    reports.Clear();
                    GC.Collect();
                    long start = Stopwatch.GetTimestamp();
                    var task = kernel.Spawn(module, export, TesseraRuntime.Value.I64(argument));
                    var reason = task.Exited.GetAwaiter().GetResult();
                    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (reason.IsAbnormal || !reports.TryDequeue(out long got) || got != expected)
                        throw new InvalidOperationException($"{export}({argument}) ended {reason}, reported {string.Join(",", reports)}, expected {expected}");
                    return ms;
                }
                long leaves = (long)Math.Pow(10, SkynetLevels);
                result["spawn_exit_us"] = Median(runs, () => Time("spawn_exit", SpawnN, SpawnN)) * 1000 / SpawnN;
                result["roundtrip_us"] = Median(runs, () => Time("roundtrip", RoundN, RoundN)) * 1000 / RoundN;
                result["skynet_ms"] = Median(runs, () => Time("skynet", SkynetLevels, leaves * (leaves - 1) / 2));
                Console.Error.WriteLine($"tessera: spawn+exit {result["spawn_exit_us"]} us, round trip {result["roundtrip_us"]} us, skynet {result["skynet_ms"]} ms");
            }
        }
        if (Part("messages")) result["large_messages"] = LargeMessages(root, runs);
        if (Part("devices"))
        {
            var (task, thread) = DeviceWake(root, runs);
            result["device_wake_us"] = task;
            result["thread_wake_us"] = thread;
            result["device_wake_over_thread"] = Math.Round(task / thread, 3);
            Console.Error.WriteLine($"tessera: interrupt to driver task {task} us, to a blocked thread {thread} us");
        }

        // Last of Tessera's parts: a million parked tasks leave a heap the collector and the
        // finalizer thread work through for a while, which slowed the parts after it (a device
        // wake measured 60 us after it, 8-12 us before).
        if (Part("parked"))
        {
            result["bytes_per_parked_task"] = BytesPerParkedTask(wat);
            result["parked_tasks"] = ParkN;
            Console.Error.WriteLine($"tessera: {result["bytes_per_parked_task"]} bytes per parked task ({ParkN} parked)");
        }

        if (Part("erlang"))
        {
            foreach (var (key, value) in Erlang(root, runs)) result[key] = value;
        }
        if (result["large_messages"] is JsonArray messageRows)
        {
            foreach (var row in messageRows)
            {
                var erlang = result[$"erlang_message_{row!["bytes"]}_roundtrip_us"];
                row["erlang_roundtrip_us"] = erlang?.DeepClone();
                row["move_over_erlang"] = Ratio(row["move_roundtrip_us"], erlang);
            }
        }
        result["spawn_exit_over_erlang"] = Ratio(result["spawn_exit_us"], result["erlang_spawn_exit_us"]);
        result["roundtrip_over_erlang"] = Ratio(result["roundtrip_us"], result["erlang_roundtrip_us"]);
        result["skynet_over_erlang"] = Ratio(result["skynet_ms"], result["erlang_skynet_ms"]);

        if (Part("preemption"))
        {
            var (overhead, killOnly, fuel, perKernel) = PreemptionOverhead(root, runs);
            result["preemption_overhead_pct"] = overhead;
            result["kill_checks_overhead_pct"] = killOnly;
            result["fuel_preemption_overhead_pct"] = fuel;
            result["preemption_kernels"] = perKernel;
        }

        foreach (var (key, value) in result) if (value is JsonValue) Console.WriteLine($"{key,-32} {value}");
        if (jsonPath is not null)
        {
            File.WriteAllText(jsonPath, result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            Console.WriteLine($"wrote {jsonPath}");
        }
        return 0;
    }

    /// <summary>Growth of the managed heap (everything a task is: instance, store, saved frames,
    /// mailbox, task record) per task, with <see cref="ParkN"/> tasks parked in a receive.</summary>
    private static double BytesPerParkedTask(string wat)
    {
        using var kernel = new Kernel.Kernel();
        kernel.Linker.Define("env", "report", TesseraRuntime.Func.Wrap((long _) => { }));
        var module = kernel.Load(wat);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var spawner = kernel.Spawn(module, "park", TesseraRuntime.Value.I64(ParkN));
        spawner.Exited.GetAwaiter().GetResult();
        var clock = Stopwatch.StartNew();
        while (kernel.ParkedTasks < ParkN && clock.Elapsed < TimeSpan.FromMinutes(5)) Thread.Sleep(500);
        if (kernel.ParkedTasks < ParkN) throw new InvalidOperationException($"only {kernel.ParkedTasks} of {ParkN} tasks parked");
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(kernel);
        return Math.Round((after - before) / (double)ParkN, 1);
    }

    /// <summary>Message sizes of the large-message figures: both sides of the default move unit
    /// (<see cref="KernelOptions.MoveUnit"/>, 2 MiB here).</summary>
    private static readonly int[] MessageSizes = [256 << 10, 1 << 20, 2 << 20, 4 << 20, 8 << 20];

    /// <summary>Round trips per run for a size (the same in tasks.erl's hops/1): 256 MiB each way.</summary>
    private static int Hops(int size) => Math.Max(16, (256 << 20) / size);

    /// <summary>bench/tasks/messages.wat: a buffer bounced between two tasks by <c>send</c>, by
    /// <c>send_move</c>, and by <c>send_move</c> on a kernel that moves single pages (the unit this
    /// default replaced, to show why), runs alternating; the clock runs from the guest's -1 report
    /// (both buffers written) to its last.</summary>
    private static JsonArray LargeMessages(string root, int runs)
    {
        var rows = new JsonArray();
        string wat = File.ReadAllText(Path.Combine(root, "bench", "tasks", "messages.wat"));
        using var kernel = new Kernel.Kernel();
        using var pageKernel = new Kernel.Kernel(new KernelOptions { MoveUnit = Environment.SystemPageSize });
        long started = 0, ended = 0, last = 0;
        TesseraRuntime.Module Prepare(Kernel.Kernel k)
        {
            k.Linker.Define("env", "report", TesseraRuntime.Func.Wrap((long value) =>
            {
                if (value == -1) started = Stopwatch.GetTimestamp();
                else (last, ended) = (value, Stopwatch.GetTimestamp());
            }));
            return k.Load(wat);
        }
        var module = Prepare(kernel);
        var pageModule = Prepare(pageKernel);
        foreach (int size in MessageSizes)
        {
            int hops = Hops(size);
            double Time(Kernel.Kernel k, TesseraRuntime.Module m, bool move)
            {
                GC.Collect();
                long argument = (long)hops << 32 | (long)BitOperations.Log2((uint)size) << 1 | (move ? 1L : 0L);
                var reason = k.Spawn(m, "bounce", TesseraRuntime.Value.I64(argument)).Exited.GetAwaiter().GetResult();
                if (reason.IsAbnormal || last != hops) throw new InvalidOperationException($"bounce of {size} bytes ended {reason}, counted {last} of {hops}");
                return Stopwatch.GetElapsedTime(started, ended).TotalMicroseconds / hops;
            }
            var copy = new double[runs];
            var moved = new double[runs];
            var pages = new double[runs];
            for (int r = -1; r < runs; r++)
            {
                double c = Time(kernel, module, move: false), m = Time(kernel, module, move: true), p = Time(pageKernel, pageModule, move: true);
                if (r < 0) continue;
                (copy[r], moved[r], pages[r]) = (c, m, p);
            }
            double copyUs = Math.Round(Timing.Median(copy), 2), moveUs = Math.Round(Timing.Median(moved), 2), pagesUs = Math.Round(Timing.Median(pages), 2);
            rows.Add(new JsonObject
            {
                ["bytes"] = size,
                ["copy_roundtrip_us"] = copyUs,
                ["move_roundtrip_us"] = moveUs,
                ["move_by_pages_roundtrip_us"] = pagesUs,
                ["move_over_copy"] = Math.Round(moveUs / copyUs, 3),
                ["move_by_pages_over_copy"] = Math.Round(pagesUs / copyUs, 3),
            });
            Console.Error.WriteLine($"tessera: {size} byte message round trip: copied {copyUs} us, moved {moveUs} us, moved by pages {pagesUs} us");
        }
        return rows;
    }

    private const int Wakes = 5000;

    /// <summary>Microseconds from <see cref="InterruptLine.Raise"/> to the code waiting for it
    /// running: a driver task parked in <c>tessera_device.wait</c> (bench/tasks/device.wat: the
    /// reactor's epoll wakes, the task is queued and resumed, and its report reads the clock),
    /// against the classic way, a thread of its own blocked in poll on the same kind of line.
    /// Medians of <see cref="Wakes"/> raises, one at a time, median over the runs.</summary>
    private static (double Task, double Thread) DeviceWake(string root, int runs)
    {
        using var kernel = new Kernel.Kernel();
        using var woke = new SemaphoreSlim(0);
        long raised = 0, reported = 0;
        kernel.Linker.Define("env", "report", TesseraRuntime.Func.Wrap((long count) =>
        {
            reported = Stopwatch.GetTimestamp();
            if (count != 1) throw new InvalidOperationException($"a wait returned {count}, not 1");
            woke.Release();
        }));
        var module = kernel.Load(File.ReadAllText(Path.Combine(root, "bench", "tasks", "device.wat")));
        // The median time from each raise to the waiter's clock reading, one raise at a time.
        double TimeWakes(Action raise)
        {
            var times = new double[Wakes];
            for (int i = 0; i < Wakes; i++)
            {
                // Let the waiter park before the raise: a raise it finds on arrival measures nothing.
                Thread.Sleep(0);
                raised = Stopwatch.GetTimestamp();
                raise();
                woke.Wait();
                times[i] = Stopwatch.GetElapsedTime(raised, reported).TotalMicroseconds;
            }
            return Timing.Median(times);
        }
        double TaskRun()
        {
            using var line = new InterruptLine("bench");
            var driver = kernel.Spawn(module, "driver", new SpawnOptions { Devices = [line] }, TesseraRuntime.Value.I64(Wakes));
            double median = TimeWakes(() => line.Raise());
            driver.Exited.GetAwaiter().GetResult();
            return median;
        }
        double ThreadRun()
        {
            // The same primitive as a line's, without the kernel.
            using var line = new Tessera.Platform.Interrupts.EventCounter();
            var waiter = new Thread(() =>
            {
                for (int i = 0; i < Wakes; i++)
                {
                    Tessera.Wasi.Poll.ThreadWaiter.Block([new Tessera.Wasi.Poll.HostWait(line.Descriptor, Tessera.Platform.Polling.Interest.Read)], Tessera.Wasi.Poll.WaitProgress.NoDeadline);
                    reported = Stopwatch.GetTimestamp();
                    if (line.Take() != 1) throw new InvalidOperationException("a wake saw more than one raise");
                    woke.Release();
                }
            })
            { IsBackground = true };
            waiter.Start();
            double median = TimeWakes(() => line.Add());
            waiter.Join();
            return median;
        }
        TaskRun();
        ThreadRun();
        var task = new double[runs];
        var thread = new double[runs];
        for (int r = 0; r < runs; r++) (task[r], thread[r]) = (TaskRun(), ThreadRun());
        return (Math.Round(Timing.Median(task), 2), Math.Round(Timing.Median(thread), 2));
    }

    /// <summary>Compiles and runs bench/tasks/tasks.erl with Debian's erlang-nox (scripts/install-deps.sh).</summary>
    private static IEnumerable<(string, JsonNode?)> Erlang(string root, int runs)
    {
        string dir = Path.Combine(root, ".build", "bench-erlang");
        Directory.CreateDirectory(dir);
        Process("erlc", ["-o", dir, Path.Combine(root, "bench", "tasks", "tasks.erl")]);
        string output = Process("erl", ["+P", "4000000", "-noshell", "-pa", dir, "-eval",
            $"tasks:main([{SpawnN},{RoundN},{SkynetLevels},{ParkN},{runs},[{string.Join(',', MessageSizes)}]]), halt()."]);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length != 2) continue;
            yield return (parts[0], double.TryParse(parts[1], CultureInfo.InvariantCulture, out double v) ? JsonValue.Create(v) : JsonValue.Create(parts[1].Trim()));
            Console.Error.WriteLine("erlang: " + line);
        }
    }

    private static string Process(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("cannot start " + file);
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} exited {process.ExitCode}: {stderr.Result}");
        return stdout;
    }

    /// <summary>The guest/bench kernels compiled plain, preemptible (what task modules are: interrupt
    /// checks, loops that can yield and so resumable functions), with kill checks only, and
    /// preemptible counting fuel (<c>KernelOptions.FuelPerSlice</c>), timed round-robin; each
    /// overhead is the geometric mean of the ratios of the medians, minus 1.</summary>
    private static (double? Overhead, double? KillOnly, double? Fuel, JsonArray PerKernel) PreemptionOverhead(string root, int runs)
    {
        string buildDir = Path.Combine(root, ".build", "guest-bench");
        var perKernel = new JsonArray();
        if (!File.Exists(Path.Combine(buildDir, "expected.tsv"))) return (null, null, null, perKernel);
        var set = BenchKernels.Load(root, buildDir);
        var plain = new TesseraRuntime.Engine();
        var checks = new TesseraRuntime.Engine(options: new TesseraRuntime.EngineOptions { Preemptible = true });
        var killOnly = new TesseraRuntime.Engine(options: new TesseraRuntime.EngineOptions { Interruptible = true });
        var fuel = new TesseraRuntime.Engine(options: new TesseraRuntime.EngineOptions { Preemptible = true, Fuel = true });
        double logSum = 0, killLogSum = 0, fuelLogSum = 0;
        int count = 0;
        foreach (var kernel in set.Kernels)
        {
            Func<int, long> Entry(TesseraRuntime.Engine engine)
            {
                var module = TesseraRuntime.Module.FromBytes(engine, File.ReadAllBytes(set.WasmPath(kernel.Name)));
                var instance = TesseraEngine.HostCallLinker().Instantiate(new TesseraRuntime.Store(engine), module);
                // Fuel that never runs out: the cost of counting it, not of yielding.
                if (engine == fuel) instance.Fuel = long.MaxValue;
                return instance.GetFunc("run")!.AsDelegate<Func<int, long>>();
            }
            Func<int, long>?[] entries;
            try
            {
                entries = [Entry(plain), Entry(checks), Entry(killOnly), Entry(fuel)];
            }
            catch (Tessera.Wasm.WasmUnsupportedFeatureException)
            {
                continue;
            }
            var timings = Timing.RoundRobin(entries, kernel.BenchN, warmup: 1, runs);
            if (timings[0].Timing is not { } a || timings[1].Timing is not { } b || timings[2].Timing is not { } c || timings[3].Timing is not { } d) continue;
            double ratio = Timing.Median(b.TimesMs) / Timing.Median(a.TimesMs);
            double killRatio = Timing.Median(c.TimesMs) / Timing.Median(a.TimesMs);
            double fuelRatio = Timing.Median(d.TimesMs) / Timing.Median(a.TimesMs);
            logSum += Math.Log(ratio);
            killLogSum += Math.Log(killRatio);
            fuelLogSum += Math.Log(fuelRatio);
            count++;
            perKernel.Add(new JsonObject
            {
                ["name"] = kernel.Name,
                ["plain_ms"] = Math.Round(Timing.Median(a.TimesMs), 2),
                ["preemptible_ms"] = Math.Round(Timing.Median(b.TimesMs), 2),
                ["kill_checks_ms"] = Math.Round(Timing.Median(c.TimesMs), 2),
                ["fuel_ms"] = Math.Round(Timing.Median(d.TimesMs), 2),
                ["ratio"] = Math.Round(ratio, 3),
                ["kill_ratio"] = Math.Round(killRatio, 3),
                ["fuel_ratio"] = Math.Round(fuelRatio, 3),
            });
            Console.Error.WriteLine($"preemption checks: {kernel.Name} x{ratio:F3} (kill checks only x{killRatio:F3}, fuel x{fuelRatio:F3})");
        }
        static double? Percent(double sum, int n) => n == 0 ? null : Math.Round((Math.Exp(sum / n) - 1) * 100, 1);
        return (Percent(logSum, count), Percent(killLogSum, count), Percent(fuelLogSum, count), perKernel);
    }

    private static double Median(int runs, Func<double> measure)
    {
        measure();
        return Math.Round(Timing.Median(Enumerable.Range(0, runs).Select(_ => measure()).ToArray()), 4);
    }

    private static JsonNode? Ratio(JsonNode? a, JsonNode? b) =>
        a is null || b is null ? null : JsonValue.Create(Math.Round(a.GetValue<double>() / b.GetValue<double>(), 3));
}
