using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tessera.Kernel.Mailboxes;
using Tessera.Kernel.Tasks;
using Tessera.Platform.Sockets;
using Tessera.Wasi;
using Tessera.Wasm.Runtime;

namespace Tessera.Soak;

/// <summary>
/// The soak (<c>bench/soak</c>): the task kernel under a mixed load (<see cref="SoakLoads"/>) for a chosen
/// time. The driver keeps about <c>Tasks</c> tasks in flight, starting the loads in proportion to
/// their weights and killing the ones that never end after <see cref="KillAfter"/>; every ending
/// is checked as it comes. Once a second it samples the process (<see cref="ResourceSample"/>).
/// At the end it waits for every task to end and fails when any ended wrongly, when the messages
/// counted where sent and where received disagree or a checksum was wrong, when a write is
/// missing or torn, or when memory or threads grew (<see cref="ResourceVerdict"/>).
/// </summary>
internal sealed class SoakRun : IDisposable
{
    public static readonly TimeSpan KillAfter = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan s_drain = TimeSpan.FromSeconds(30);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"tessera-soak-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
    private readonly FileStream _file;
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly Dictionary<string, long> _ended = [];
    private long _guestSent, _guestReceived, _badChecksums, _hostSent, _bytesWritten, _failureCount;
    // The TCP load: one client thread connects to the program's listening socket for each
    // tcp_echo task, sends SocketBytes and checks they come back.
    private readonly Socket _listener = TcpListen.Open("127.0.0.1:0", backlog: 1024);
    private readonly BlockingCollection<long> _clients = [];
    private readonly Thread _clientThread;
    private long _clientsStarted, _echoesChecked;
    private readonly DirectoryInfo _wasiDirectory = Directory.CreateTempSubdirectory("tessera-soak-wasi-");

    public SoakRun(int workers)
    {
        Kernel = new Kernel.Kernel(new Kernel.KernelOptions
        {
            Workers = workers,
            TaskLimits = new StoreLimits { MemoryBytes = 1 << 20 },
        });
        _file = new FileStream(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose);
        Kernel.Linker.Define("env", "tally", Func.Wrap((long sent, long received, long bad) =>
        {
            Interlocked.Add(ref _guestSent, sent);
            Interlocked.Add(ref _guestReceived, received);
            Interlocked.Add(ref _badChecksums, bad);
        }));
        Kernel.Linker.Define("env", "write", Func.Wrap((Caller caller, int pointer, int length) => Write(caller, pointer, length)));
        Module = Kernel.Load(SoakLoads.Module);
        var config = new WasiConfiguration { Limits = new WasiLimits { MaxOpenDescriptors = 4096 } }.WithArguments("soak").WithPreopen(_wasiDirectory.FullName, "/soak");
        config.ListeningSockets.Add(_listener);
        Wasi = new WasiContext(config);
        _clientThread = new Thread(RunClients) { IsBackground = true, Name = "soak tcp clients" };
        _clientThread.Start();
    }

    /// <summary>The program the WASI tasks belong to: descriptor 3 is the preopened directory the
    /// wasi_writer tasks append to, 4 the listening socket of the tcp_echo tasks.</summary>
    public WasiContext Wasi { get; }

    /// <summary>Spawns a tcp_echo task and queues a client for it.</summary>
    public TaskHandle StartEcho(long k)
    {
        var task = Kernel.Spawn(Module, "tcp_echo", Wasi, Value.I64(k));
        Interlocked.Increment(ref _clientsStarted);
        _clients.Add(k);
        return task;
    }

    private void RunClients()
    {
        int port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        foreach (long k in _clients.GetConsumingEnumerable())
        {
            try
            {
                using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000, SendTimeout = 10_000 };
                client.Connect(IPAddress.Loopback, port);
                var message = new byte[SoakLoads.SocketBytes];
                for (int i = 0; i < message.Length; i += 8) BinaryPrimitives.WriteInt64LittleEndian(message.AsSpan(i), k);
                client.Send(message);
                var answer = new byte[message.Length];
                int got = 0;
                while (got < answer.Length)
                {
                    int n = client.Receive(answer.AsSpan(got));
                    if (n == 0) break;
                    got += n;
                }
                if (got == answer.Length && answer.AsSpan().SequenceEqual(message)) Interlocked.Increment(ref _echoesChecked);
                else Fail($"tcp client {k}: {got} of {answer.Length} bytes came back{(got == answer.Length ? ", different" : "")}");
            }
            catch (SocketException e)
            {
                Fail($"tcp client {k}: {e.SocketErrorCode}");
            }
        }
    }

    public Kernel.Kernel Kernel { get; }
    public Module Module { get; }

    /// <summary>Sends a listener its message: (k, k, checksum), as an exchange would.</summary>
    public TaskHandle SendTo(TaskHandle task, long k)
    {
        var payload = new byte[24];
        BinaryPrimitives.WriteInt64LittleEndian(payload, k);
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(8), k);
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(16), unchecked(k * SoakLoads.ChecksumFactor + k));
        if (Kernel.Send(task.Id, 0, payload) == DeliveryResult.Delivered) Interlocked.Increment(ref _hostSent);
        else Fail($"the host's message to {task.Id} was refused");
        return task;
    }

    /// <summary>The file-write service tasks import: appends their bytes to the soak's file. The
    /// extension point for WASI files and sockets is a new <see cref="SoakLoad"/>.</summary>
    private int Write(Caller caller, int pointer, int length)
    {
        var memory = caller.Memory is { } m ? m.Span : [];
        if ((uint)length > (uint)memory.Length || (uint)pointer > (uint)(memory.Length - length)) return -1;
        lock (_file) _file.Write(memory.Slice(pointer, length));
        Interlocked.Add(ref _bytesWritten, length);
        return length;
    }

    private void Fail(string message)
    {
        if (Interlocked.Increment(ref _failureCount) <= 20) _failures.Enqueue(message);
    }

    /// <summary>Runs for <paramref name="duration"/> and returns 0, or 1 after saying on
    /// <paramref name="stderr"/> what failed.</summary>
    public int Run(TimeSpan duration, int tasks, TextWriter stdout, TextWriter stderr)
    {
        var order = SoakLoads.All.SelectMany(load => Enumerable.Repeat(load, load.Weight)).ToArray();
        var victims = new Queue<(TaskHandle Task, TimeSpan Started)>();
        // Endings are collected by polling, not by continuations: a continuation would run on the
        // thread pool, whose own growth would then be measured as the kernel's.
        var running = new List<(SoakLoad Load, TaskHandle Task, long K)>();
        var samples = new List<ResourceSample>();
        var clock = Stopwatch.StartNew();
        long started = 0;
        stdout.WriteLine($"soak: {duration.TotalSeconds:F0} s, {tasks} tasks at a time, {Kernel.Options.Workers} workers");
        stdout.WriteLine("     s     started       ended    messages   working set    GC heap  threads");
        var nextSample = TimeSpan.FromSeconds(1);
        while (clock.Elapsed < duration)
        {
            while (running.Count < tasks)
            {
                var load = order[started % order.Length];
                long k = ++started;
                var handle = load.Start(this, k);
                running.Add((load, handle, k));
                if (load.KilledByDriver) victims.Enqueue((handle, clock.Elapsed));
            }
            Collect(running);
            while (victims.Count > 0 && clock.Elapsed - victims.Peek().Started > KillAfter) Kernel.Kill(victims.Dequeue().Task.Id, "soak");
            if (clock.Elapsed >= nextSample)
            {
                var sample = ResourceSample.Take(clock.Elapsed);
                samples.Add(sample);
                stdout.WriteLine($"{sample.At.TotalSeconds,6:F1} {started,11:N0} {_ended.Values.Sum(),11:N0} {Volatile.Read(ref _guestReceived),11:N0} " +
                    $"{ResourceVerdict.Mib(sample.WorkingSet),13} {ResourceVerdict.Mib(sample.GcHeap),10} {sample.Threads,8}");
                nextSample += TimeSpan.FromSeconds(1);
            }
            Thread.Sleep(1);
        }

        while (victims.Count > 0) Kernel.Kill(victims.Dequeue().Task.Id, "soak");
        var drain = Stopwatch.StartNew();
        while ((Collect(running) > 0 || Kernel.LiveTasks > 0) && drain.Elapsed < s_drain) Thread.Sleep(5);
        if (running.Count > 0 || Kernel.LiveTasks > 0)
            Fail($"{running.Count} tasks started by the driver and {Kernel.LiveTasks} in all had not ended {s_drain.TotalSeconds} s after the run");

        _clients.CompleteAdding();
        if (!_clientThread.Join(s_drain)) Fail("the tcp clients had not finished");
        CheckCounts(stdout);
        CheckWrites(stdout);
        CheckWasiWrites(stdout);
        stdout.WriteLine($"tcp: {_clientsStarted:N0} connections, {_echoesChecked:N0} echoes checked");
        if (_echoesChecked != _clientsStarted) Fail($"{_clientsStarted} tcp connections but {_echoesChecked} echoes checked");
        foreach (var problem in ResourceVerdict.Judge(samples)) Fail(problem);
        int warm = ResourceVerdict.WarmUp(samples.Count);
        if (samples.Count > warm)
        {
            stdout.WriteLine($"resources: warm-up peak ({warm} s) working set {ResourceVerdict.Mib(samples.Take(warm).Max(s => s.WorkingSet))}, " +
                $"GC heap {ResourceVerdict.Mib(samples.Take(warm).Max(s => s.GcHeap))}, threads {samples.Take(warm).Max(s => s.Threads)}; " +
                $"after it, peaks {ResourceVerdict.Mib(samples.Skip(warm).Max(s => s.WorkingSet))}, {ResourceVerdict.Mib(samples.Skip(warm).Max(s => s.GcHeap))}, " +
                $"{samples.Skip(warm).Max(s => s.Threads)} threads; allowed: +{ResourceVerdict.MemoryGrowth:P0} + {ResourceVerdict.Mib(ResourceVerdict.MemorySlack)}, " +
                $"+{ResourceVerdict.ThreadSlack} threads");
        }
        else
        {
            stdout.WriteLine($"resources: {samples.Count} samples, too few to judge growth (a run of at least {warm + 1} s is)");
        }

        if (Interlocked.Read(ref _failureCount) == 0)
        {
            stdout.WriteLine($"soak passed: {_ended.Values.Sum():N0} tasks in {clock.Elapsed.TotalSeconds:F1} s");
            return 0;
        }
        stderr.WriteLine($"error: soak failed ({_failureCount} problems):");
        foreach (var failure in _failures) stderr.WriteLine("  " + failure);
        return 1;
    }

    /// <summary>Checks and drops the tasks that have ended; returns how many are still running.</summary>
    private int Collect(List<(SoakLoad Load, TaskHandle Task, long K)> running)
    {
        for (int i = running.Count - 1; i >= 0; i--)
        {
            var (load, task, k) = running[i];
            if (!task.Exited.IsCompleted) continue;
            _ended[load.Name] = _ended.GetValueOrDefault(load.Name) + 1;
            if (load.Check(task.Exited.Result, k) is { } problem) Fail($"{load.Name} {k}: {problem}");
            running[i] = running[^1];
            running.RemoveAt(running.Count - 1);
        }
        return running.Count;
    }

    private void CheckCounts(TextWriter stdout)
    {
        stdout.WriteLine("ended: " + string.Join(", ", SoakLoads.All.Select(l => $"{l.Name} {_ended.GetValueOrDefault(l.Name):N0}")));
        long sent = _guestSent + _hostSent;
        stdout.WriteLine($"messages: {sent:N0} sent ({_hostSent:N0} by the host), {_guestReceived:N0} received, {_badChecksums} bad checksums");
        if (sent != _guestReceived) Fail($"{sent:N0} messages sent but {_guestReceived:N0} received");
        if (_badChecksums != 0) Fail($"{_badChecksums} messages arrived with a wrong checksum");
        long exchanges = _ended.GetValueOrDefault("exchange");
        if (exchanges > 0 && _guestReceived < exchanges * (2L * SoakLoads.ExchangeMessages + 1))
            Fail($"{exchanges} exchanges should account for at least {exchanges * (2L * SoakLoads.ExchangeMessages + 1)} messages received");
    }

    /// <summary>Every writer's record is in the file whole: 64 bytes, eight copies of one number.</summary>
    private void CheckWrites(TextWriter stdout)
    {
        long writers = _ended.GetValueOrDefault("writer");
        _file.Flush();
        stdout.WriteLine($"writes: {writers:N0} writers, {_bytesWritten:N0} bytes written, file {_file.Length:N0} bytes");
        if (_file.Length != _bytesWritten || _bytesWritten != writers * SoakLoads.RecordBytes)
        {
            Fail($"{writers} writers of {SoakLoads.RecordBytes} bytes, {_bytesWritten} bytes written, a file of {_file.Length}");
            return;
        }
        CheckRecords(_file, "the host's file");
    }

    /// <summary>The same of the file the wasi_writer tasks appended to with path_open and fd_write.</summary>
    private void CheckWasiWrites(TextWriter stdout)
    {
        long writers = _ended.GetValueOrDefault("wasi_writer");
        var path = Path.Combine(_wasiDirectory.FullName, "soak-wasi.bin");
        using var file = File.Exists(path) ? File.OpenRead(path) : null;
        long length = file?.Length ?? 0;
        stdout.WriteLine($"wasi writes: {writers:N0} writers, file {length:N0} bytes");
        if (length != writers * SoakLoads.RecordBytes)
        {
            Fail($"{writers} WASI writers of {SoakLoads.RecordBytes} bytes, a file of {length}");
            return;
        }
        if (file is not null) CheckRecords(file, "the WASI file");
    }

    private void CheckRecords(Stream file, string what)
    {
        file.Position = 0;
        var record = new byte[SoakLoads.RecordBytes];
        var seen = new HashSet<long>();
        while (file.Read(record) == record.Length)
        {
            long first = BinaryPrimitives.ReadInt64LittleEndian(record);
            for (int i = 8; i < record.Length; i += 8)
            {
                if (BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(i)) != first)
                {
                    Fail($"a torn record in {what} at {file.Position - record.Length}");
                    return;
                }
            }
            if (!seen.Add(first)) Fail($"writer {first}'s record is in {what} twice");
        }
    }

    public void Dispose()
    {
        _clients.CompleteAdding();
        Kernel.Dispose();
        Wasi.Dispose();
        _file.Dispose();
        _wasiDirectory.Delete(recursive: true);
    }
}
