using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Bench.Engine;
using Tessera.Wasm.Runtime;

namespace Tessera.Bench.Memory;

/// <summary>
/// <c>./bench/run memory [--json FILE]</c>: the memory subsystem's figures (docs/benchmarks.md,
/// "Memory"). Instantiating a module with a 16 MiB data segment with the copy-on-write image and
/// with the copying path, side by side (and Wasmtime, which maps its own images); the resident
/// memory of 100,000 live instances each with a written one-page memory; resident memory before
/// and after a million instances came and went, each in its own store disposed at its end (as a
/// task's).
/// </summary>
public static class MemorySuite
{
    private const int MiB = 1 << 20;

    public static int Run(string? json, int runs)
    {
        var result = new JsonObject();
        var data = SixteenMebibyteModule();
        result["instantiate_cow_us"] = Round(InstantiateMicroseconds(data, copyOnWrite: true, batch: 200, warmup: 5, runs));
        result["instantiate_copy_us"] = Round(InstantiateMicroseconds(data, copyOnWrite: false, batch: 10, warmup: 1, runs));
        result["instantiate_wasmtime_us"] = Round(WasmtimeInstantiateMicroseconds(data, batch: 200, runs));
        result["memcpy_16mib_resident_us"] = Round(ResidentCopyMicroseconds(runs));
        Report(result);

        var touch = Tessera.Wasm.Text.WatAssembler.AssembleText("""
            (module (memory 1) (func (export "touch") (i32.store (i32.const 0) (i32.const 1))))
            """);
        var (start, end) = ComeAndGo(touch, 1_000_000);
        result["churn_tasks"] = 1_000_000;
        result["rss_churn_start_mib"] = Round(start / (double)MiB);
        result["rss_churn_end_mib"] = Round(end / (double)MiB);
        result["rss_churn_growth_percent"] = Round(100.0 * (end - start) / start);
        Report(result);

        var (before, live, mappings) = LiveInstances(touch, 100_000);
        result["rss_before_100k_mib"] = Round(before / (double)MiB);
        result["rss_100k_instances_mib"] = Round(live / (double)MiB);
        result["bytes_per_live_instance"] = Math.Round((live - before) / 100_000.0);
        result["mappings_100k_instances"] = mappings;
        Report(result);
        if (json is not null) File.WriteAllText(json, result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static void Report(JsonObject result) => Console.WriteLine(result.ToJsonString());

    private static double Round(double value) => Math.Round(value, 2);

    /// <summary>A module with one 256-page memory whose 16 MiB are one active data segment at 0,
    /// written as binary (a 16 MiB text literal would time the assembler instead).</summary>
    public static byte[] SixteenMebibyteModule()
    {
        var bytes = new byte[16 * MiB];
        new Random(6).NextBytes(bytes);
        var module = new List<byte> { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };
        // Memory section: one memory, minimum 256 pages (flag 0: no maximum).
        Section(module, 5, [0x01, 0x00, .. Leb(256)]);
        // Data section: one active segment for memory 0 at (i32.const 0).
        Section(module, 11, [0x01, 0x00, 0x41, 0x00, 0x0b, .. Leb((uint)bytes.Length), .. bytes]);
        return [.. module];
    }

    private static void Section(List<byte> module, byte id, byte[] body)
    {
        module.Add(id);
        module.AddRange(Leb((uint)body.Length));
        module.AddRange(body);
    }

    private static byte[] Leb(uint value)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        } while (value != 0);
        return [.. bytes];
    }

    /// <summary>Median over <paramref name="runs"/> batches of the time per instantiation (a new
    /// store each), after <paramref name="warmup"/> untimed batches (the image is built, and the
    /// runtime's own methods reach their optimized tier); the batch's stores are disposed after it
    /// is timed.</summary>
    private static double InstantiateMicroseconds(byte[] wasm, bool copyOnWrite, int batch, int warmup, int runs)
    {
        var engine = new Tessera.Wasm.Runtime.Engine(options: new EngineOptions { CopyOnWriteImages = copyOnWrite });
        var module = Module.FromBytes(engine, wasm);
        var linker = new Linker();
        var stores = new Store[batch];
        var perItem = new double[warmup + runs];
        for (int r = 0; r < perItem.Length; r++)
        {
            for (int i = 0; i < batch; i++) stores[i] = new Store(engine);
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++) linker.Instantiate(stores[i], module);
            perItem[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / batch;
            foreach (var store in stores) store.Dispose();
        }
        return Timing.Median(perItem[warmup..]);
    }

    private static double WasmtimeInstantiateMicroseconds(byte[] wasm, int batch, int runs)
    {
        using var engine = new Wasmtime.Engine();
        using var module = Wasmtime.Module.FromBytes(engine, "data16", wasm);
        using var linker = new Wasmtime.Linker(engine);
        var stores = new Wasmtime.Store[batch];
        var perItem = new double[runs + 1];
        for (int r = 0; r <= runs; r++)
        {
            for (int i = 0; i < batch; i++) stores[i] = new Wasmtime.Store(engine);
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++) linker.Instantiate(stores[i], module);
            perItem[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / batch;
            foreach (var store in stores) store.Dispose();
        }
        return Timing.Median(perItem[1..]);
    }

    /// <summary>The floor under any copying path: 16 MiB copied between two arrays whose pages are
    /// already resident (the copying instantiation also takes a page fault per fresh page).</summary>
    private static double ResidentCopyMicroseconds(int runs)
    {
        var from = new byte[16 * MiB];
        var to = new byte[16 * MiB];
        new Random(6).NextBytes(from);
        from.CopyTo(to, 0);
        var times = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            long start = Stopwatch.GetTimestamp();
            from.CopyTo(to, 0);
            times[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        return Timing.Median(times);
    }

    /// <summary>Resident memory after a warm-up, then after <paramref name="count"/> instances
    /// came and went (each in its own store, its memory written, the store disposed).</summary>
    private static (long Start, long End) ComeAndGo(byte[] wasm, int count)
    {
        var engine = new Tessera.Wasm.Runtime.Engine();
        var module = Module.FromBytes(engine, wasm);
        var linker = new Linker();
        void Task()
        {
            using var store = new Store(engine);
            linker.Instantiate(store, module).GetFunc("touch")!.Invoke();
        }
        for (int i = 0; i < 10_000; i++) Task();
        long start = SettledResidentBytes();
        for (int i = 0; i < count; i++) Task();
        return (start, SettledResidentBytes());
    }

    /// <summary>Resident memory before, and with <paramref name="count"/> instances alive, each in
    /// its own store with its one-page memory written, and the process's kernel mappings then.</summary>
    private static (long Before, long Live, int Mappings) LiveInstances(byte[] wasm, int count)
    {
        var engine = new Tessera.Wasm.Runtime.Engine();
        var module = Module.FromBytes(engine, wasm);
        var linker = new Linker();
        long before = SettledResidentBytes();
        var stores = new Store[count];
        for (int i = 0; i < count; i++)
        {
            stores[i] = new Store(engine);
            linker.Instantiate(stores[i], module).GetFunc("touch")!.Invoke();
        }
        long live = SettledResidentBytes();
        // Kernel mappings (VMAs) of the whole process: vm.max_map_count bounds them (65,530 by default).
        int mappings = File.ReadLines("/proc/self/maps").Count();
        GC.KeepAlive(stores);
        foreach (var store in stores) store.Dispose();
        return (before, live, mappings);
    }

    /// <summary>VmRSS after a full collection (so garbage waiting for the GC is not counted).</summary>
    private static long SettledResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim()) * 1024;
        }
        throw new InvalidOperationException("no VmRSS in /proc/self/status");
    }
}
