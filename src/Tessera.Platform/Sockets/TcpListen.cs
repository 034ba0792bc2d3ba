using System.Net;
using System.Net.Sockets;

namespace Tessera.Platform.Sockets;

/// <summary>Listening TCP sockets opened for a guest before it starts (<c>--tcplisten ADDR</c>).</summary>
public static class TcpListen
{
    /// <summary>
    /// Binds and listens on <paramref name="address"/>: <c>HOST:PORT</c>, <c>[V6]:PORT</c> or
    /// <c>:PORT</c> (all IPv4 interfaces). Port 0 picks a free port (see <see cref="Socket.LocalEndPoint"/>).
    /// </summary>
    /// <exception cref="FormatException">the address is not HOST:PORT.</exception>
    /// <exception cref="SocketException">the host refused to bind or listen.</exception>
    public static Socket Open(string address, int backlog = 128)
    {
        var endpoint = Parse(address);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static IPEndPoint Parse(string address)
    {
        int colon = address.LastIndexOf(':');
        if (colon < 0 || !ushort.TryParse(address.AsSpan(colon + 1), out ushort port))
            throw new FormatException($"'{address}' is not HOST:PORT");
        var host = address[..colon].Trim('[', ']');
        if (host.Length == 0) return new IPEndPoint(IPAddress.Any, port);
        if (host == "localhost") return new IPEndPoint(IPAddress.Loopback, port);
        if (!IPAddress.TryParse(host, out var ip)) throw new FormatException($"'{host}' is not an IP address (in '{address}')");
        return new IPEndPoint(ip, port);
    }
}
