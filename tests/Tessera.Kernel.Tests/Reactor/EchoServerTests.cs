using System.Net;
using System.Net.Sockets;
using System.Text;
using Tessera.Kernel.Tasks;
using Tessera.Kernel.Tests.Tasks;
using Tessera.Platform.Sockets;
using Tessera.Wasi;
using Xunit.Abstractions;

namespace Tessera.Kernel.Tests.Reactor;

/// <summary>
/// guest/examples/echo_server.c, a WASI program in C with one task per connection, run by the
/// kernel: its accept, recv and send park their tasks on the IO reactor instead of holding threads.
/// </summary>
public sealed class EchoServerTests(ITestOutputHelper output) : IDisposable
{
    private readonly Kernel _kernel = new(new KernelOptions { Workers = 2 });

    public void Dispose() => _kernel.Dispose();

    private (TaskHandle Server, int Port, MemoryStream Stdout, WasiContext Wasi) StartServer(params string[] arguments)
    {
        var listener = TcpListen.Open("127.0.0.1:0", backlog: 4096);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var stdout = new MemoryStream();
        var config = new WasiConfiguration
        {
            Limits = new WasiLimits { MaxOpenDescriptors = 20_000 },
            Stdout = WasiStdio.FromStream(stdout),
        }.WithArguments(["echo_server", .. arguments]);
        config.ListeningSockets.Add(listener);
        var wasi = new WasiContext(config);
        var module = _kernel.Load(File.ReadAllBytes(GuestExamples.Path("echo_server.wasm")));
        return (_kernel.Spawn(module, "_start", wasi), port, stdout, wasi);
    }

    private static async Task<byte[]> EchoOnce(int port, byte[] message)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(message);
        client.Client.Shutdown(SocketShutdown.Send);
        var answer = new MemoryStream();
        await stream.CopyToAsync(answer);
        return answer.ToArray();
    }

    [Fact]
    public async Task TenThousandConnectionsEachGetTheirAnswer()
    {
        const int connections = 10_000, batch = 500;
        var (server, port, stdout, wasi) = StartServer(connections.ToString());
        using var _ = wasi;
        var started = DateTime.UtcNow;
        int answered = 0;
        for (int first = 0; first < connections; first += batch)
        {
            var messages = Enumerable.Range(first, batch).Select(i => Encoding.ASCII.GetBytes($"connection {i}: " + new string('x', i % 3000))).ToArray();
            var answers = await Task.WhenAll(messages.Select(m => EchoOnce(port, m))).WaitAsync(TimeSpan.FromSeconds(120));
            for (int i = 0; i < batch; i++)
            {
                Assert.Equal(messages[i], answers[i]);
                answered++;
            }
        }
        var reason = await server.Exited.WaitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"{answered} connections answered in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        Assert.Equal(ExitKind.Normal, reason.Kind);
        Assert.Equal(connections, answered);
        Assert.Equal($"echo_server: served {connections} connections\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task ConnectionsWaitingToBeServedHoldNoThreads()
    {
        const int idle = 1_000;
        var (server, port, _, wasi) = StartServer();
        using var _w = wasi;
        var clients = new List<TcpClient>();
        try
        {
            for (int i = 0; i < idle; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                clients.Add(client);
            }
            // Every connection's task (and the accepting main task) parks in recv (or accept) on two
            // worker threads: waiting costs no thread.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (_kernel.ParkedTasks < idle + 1 && DateTime.UtcNow < deadline) await Task.Delay(20);
            output.WriteLine($"{_kernel.ParkedTasks} tasks parked, {_kernel.LiveTasks} live, 2 workers");
            Assert.Equal(idle + 1, _kernel.LiveTasks);
            Assert.Equal(idle + 1, _kernel.ParkedTasks);

            // They still answer: the last connection first.
            var last = clients[^1].GetStream();
            await last.WriteAsync("late"u8.ToArray());
            var buffer = new byte[4];
            await last.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal("late"u8.ToArray(), buffer);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
        // Closed connections end their tasks.
        var until = DateTime.UtcNow.AddSeconds(30);
        while (_kernel.LiveTasks > 1 && DateTime.UtcNow < until) await Task.Delay(20);
        Assert.Equal(1, _kernel.LiveTasks);
        Assert.False(server.Exited.IsCompleted);
    }
}
