using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tessera.WasiPrograms.Tests;

/// <summary>
/// guest/tests/c/tcp_echo.c on a listening socket preopened by <c>tessera run --tcplisten</c>:
/// the test connects twice with a <see cref="TcpClient"/>, sends data, shuts down its sending
/// side, and must get every byte back. node's node:wasi has no way to preopen a socket, so the
/// expectation is the specification's (sock_accept, sock_recv, sock_send, sock_shutdown), and
/// under node the program can only report that it has none.
/// </summary>
public sealed class TcpEchoTests
{
    [Fact]
    public async Task EchoesTwoConnectionsOnAPreopenedListeningSocket()
    {
        int port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "tessera.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "run", "--tcplisten", $"127.0.0.1:{port}", Guest.Wasm("tcp_echo"), "2" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var first = new byte[150_000];
            new Random(4).NextBytes(first);
            Assert.Equal(first, await Echo(port, first, process));
            var second = "short message\n"u8.ToArray();
            Assert.Equal(second, await Echo(port, second, process));
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the server did not exit after two connections");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.Equal(
            "listening socket found\n" +
            "ok: connection 0 is a stream socket\nconnection 0: echoed 150000 bytes\nok: sock_shutdown(WR) (got SUCCESS)\nok: close connection 0\n" +
            "ok: connection 1 is a stream socket\nconnection 1: echoed 14 bytes\nok: sock_shutdown(WR) (got SUCCESS)\nok: close connection 1\n",
            await stdout);
    }

    [Fact]
    public void UnderNodeTheProgramFindsNoSocket()
    {
        // node:wasi cannot preopen sockets: the documented reason this test has no node oracle.
        var node = Guest.Node([], "tcp_echo", ["1"]);
        Assert.Equal((3, "no listening socket\n"), (node.Exit, node.Stdout));
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Connects (retrying while the server starts), sends everything, half-closes, reads until the server closes.</summary>
    private static async Task<byte[]> Echo(int port, byte[] data, Process server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        using var client = new TcpClient();
        while (true)
        {
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !server.HasExited)
            {
                await Task.Delay(50);
            }
        }
        var stream = client.GetStream();
        var received = new MemoryStream();
        var reader = stream.CopyToAsync(received);
        await stream.WriteAsync(data);
        client.Client.Shutdown(SocketShutdown.Send);
        var finished = await Task.WhenAny(reader, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(finished == reader, $"no end of the echo after 60 s ({received.Length} of {data.Length} bytes)");
        await reader;
        return received.ToArray();
    }
}
