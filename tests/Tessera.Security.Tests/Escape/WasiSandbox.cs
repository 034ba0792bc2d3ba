using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tessera.Wasi;
using Tessera.Wasm.Model;
using Tessera.Wasm.Runtime;

namespace Tessera.Security.Tests.Escape;

/// <summary>
/// A WASI context with something behind every kind of descriptor, and a way to call one WASI
/// function directly from a module that imports only it: descriptors 0-2 stdio (stdin holds 12
/// bytes, stdout is captured), 3 a preopened directory holding a file <c>f</c>, an empty directory
/// <c>d</c> and a link <c>l</c> to <c>f</c>, 4 a listening socket, then <c>f</c> opened for
/// reading, writing and seeking, and for the socket functions an accepted connection (with 8
/// bytes waiting) and a second connection waiting to be accepted.
/// </summary>
internal sealed class WasiSandbox : IDisposable
{
    public const int DirectoryFd = 3, ListenerFd = 4;
    public const string GuestDirectory = "/sandbox";
    public const int PageBytes = Memory.PageSize;

    private static readonly Engine Engine = new();
    private static readonly ConcurrentDictionary<(string, bool), Module> Modules = new();

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _clients = [];
    private readonly Linker _linker = new();

    public WasiSandbox(bool sockets)
    {
        Root = Directory.CreateTempSubdirectory("tessera-misuse-").FullName;
        File.WriteAllText(Path.Combine(Root, "f"), "file-data");
        Directory.CreateDirectory(Path.Combine(Root, "d"));
        File.CreateSymbolicLink(Path.Combine(Root, "l"), "f");
        _listener.Start();
        var configuration = new WasiConfiguration().WithArguments("prog", "a1").WithEnvironment("K", "V").WithPreopen(Root, GuestDirectory);
        configuration.Stdin = WasiStdio.FromStream(Stdin);
        configuration.Stdout = WasiStdio.FromStream(Stdout);
        configuration.ListeningSockets.Add(_listener.Server);
        Context = new WasiContext(configuration);
        WasiModule.Define(_linker, Context);

        // Setup through WASI itself, from a module of its own with memory.
        FileFd = OpenedDescriptor("path_open", [DirectoryFd, 0, 64, 1, 0, (long)(Wasi.Abi.Rights.FdRead | Wasi.Abi.Rights.FdWrite | Wasi.Abi.Rights.FdSeek | Wasi.Abi.Rights.FdTell), 0, 0, 128], "f"u8);
        if (sockets)
        {
            var peer = Connect();
            ConnectionFd = OpenedDescriptor("sock_accept", [ListenerFd, 0, 128], []);
            peer.Client.Send("ping1234"u8);
            Peer = peer.Client;
            Connect();
        }
    }

    public string Root { get; }
    public MemoryStream Stdin { get; } = new(Encoding.UTF8.GetBytes("hello stdin!"));
    public MemoryStream Stdout { get; } = new();
    public WasiContext Context { get; }
    public int FileFd { get; }
    public int ConnectionFd { get; } = -1;

    /// <summary>The far end of the accepted connection.</summary>
    public Socket? Peer { get; }

    private TcpClient Connect()
    {
        var client = new TcpClient();
        client.Connect((IPEndPoint)_listener.LocalEndpoint);
        _clients.Add(client);
        return client;
    }

    /// <summary>Calls a function that stores a new descriptor at address 128 (the path, if any, at 64).</summary>
    private int OpenedDescriptor(string function, long[] args, ReadOnlySpan<byte> path)
    {
        var instance = Instantiate(function, withMemory: true);
        path.CopyTo(instance.GetMemory("memory")!.Span[64..]);
        if (path.Length > 0) args[3] = path.Length;
        int errno = Call(instance, function, args);
        if (errno != 0) throw new InvalidOperationException($"setup {function}: errno {errno}");
        return BitConverter.ToInt32(instance.GetMemory("memory")!.Span[128..]);
    }

    /// <summary>A fresh instance of a module that imports <paramref name="function"/> and exports
    /// <c>call</c>, passing its arguments through; with one page of memory (max 1) or none.</summary>
    public Instance Instantiate(string function, bool withMemory)
    {
        var module = Modules.GetOrAdd((function, withMemory), key =>
        {
            Assert.True(_linker.TryGet(WasiModule.Name, key.Item1, out var item));
            var type = ((Func)item!).Type;
            string parameters = string.Join(' ', type.Parameters.Select(Name));
            string results = string.Join(' ', type.Results.Select(Name));
            string forward = string.Join(' ', type.Parameters.Select((_, i) => $"(local.get {i})"));
            return Module.FromText(Engine, $$"""
                (module
                  (import "{{WasiModule.Name}}" "{{key.Item1}}" (func $f (param {{parameters}}) (result {{results}})))
                  {{(key.Item2 ? "(memory (export \"memory\") 1 1)" : "")}}
                  (func (export "call") (param {{parameters}}) (result {{results}}) (call $f {{forward}})))
                """);
        });
        return _linker.Instantiate(new Store(Engine), module);
    }

    public static string Name(ValType type) => type.Kind switch
    {
        ValTypeKind.I32 => "i32",
        ValTypeKind.I64 => "i64",
        _ => throw new InvalidOperationException($"WASI takes no {type.Kind}"),
    };

    /// <summary>Calls the instance's <c>call</c>; an i32 argument is the low 32 bits of its long.</summary>
    public static int Call(Instance instance, string function, long[] args)
    {
        var func = instance.GetFunc("call")!;
        var values = func.Type.Parameters.Select((t, i) => t.Kind == ValTypeKind.I32 ? Value.I32(unchecked((int)args[i])) : Value.I64(args[i])).ToArray();
        return func.Invoke(values)[0].AsI32();
    }

    /// <summary>Everything outside the guest's memory that a WASI call could change: the preopened
    /// tree (names, kinds, sizes, contents, link targets, modification times), what reached stdout,
    /// how much of stdin was read, and whether bytes reached the socket's peer.</summary>
    public string Observe()
    {
        var text = new StringBuilder();
        foreach (var path in Directory.EnumerateFileSystemEntries(Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            text.Append(Path.GetRelativePath(Root, path)).Append(' ').Append(info.Attributes).Append(' ');
            if (info.LinkTarget is { } target) text.Append("-> ").Append(target);
            else if ((info.Attributes & FileAttributes.Directory) == 0) text.Append(Convert.ToHexString(File.ReadAllBytes(path)));
            text.Append(' ').Append(info.LastWriteTimeUtc.Ticks).AppendLine();
        }
        text.Append("stdout ").Append(Stdout.Length).Append(", stdin at ").Append(Stdin.Position);
        if (Peer is { } peer) text.Append(", peer has data ").Append(peer.Poll(20_000, SelectMode.SelectRead));
        return text.ToString();
    }

    public void Dispose()
    {
        Context.Dispose();
        foreach (var client in _clients) client.Dispose();
        _listener.Stop();
        Directory.Delete(Root, recursive: true);
    }
}
