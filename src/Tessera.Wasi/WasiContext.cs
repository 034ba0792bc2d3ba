using System.Text;
using Tessera.Platform.Files;
using Tessera.Wasi.Abi;
using Tessera.Wasi.Files;
using Tessera.Wasi.Sockets;

namespace Tessera.Wasi;

/// <summary>
/// The state of one running WASI program: its descriptors (stdio, preopens, sockets, and what it
/// opened), arguments and environment. Built from a <see cref="WasiConfiguration"/>; used by one
/// thread at a time, like the store it serves. Dispose it to close every host descriptor.
/// </summary>
public sealed class WasiContext : IDisposable
{
    /// <exception cref="DirectoryNotFoundException">a preopen's host directory cannot be opened.</exception>
    /// <exception cref="WasiConfigurationException">a limit is negative, or the descriptor limit is
    /// below stdio, the preopens and the listening sockets.</exception>
    public WasiContext(WasiConfiguration configuration)
    {
        CheckLimits(configuration);
        // Loops, not LINQ: this runs at every program's start (docs/benchmarks.md, Startup).
        Arguments = new byte[configuration.Arguments.Count][];
        for (int i = 0; i < Arguments.Length; i++) Arguments[i] = Encode(configuration.Arguments[i]);
        Environment = new byte[configuration.Environment.Count][];
        for (int i = 0; i < Environment.Length; i++) Environment[i] = Encode(configuration.Environment[i].Key + "=" + configuration.Environment[i].Value);
        Descriptors = new DescriptorTable(configuration.Limits.MaxOpenDescriptors);
        try
        {
            Descriptors.Add(Stdio(configuration.Stdin, null, Rights.FdRead));
            Descriptors.Add(Stdio(configuration.Stdout, new OutputBudget(configuration.Limits.MaxStdoutBytes), Rights.FdWrite));
            Descriptors.Add(Stdio(configuration.Stderr, new OutputBudget(configuration.Limits.MaxStderrBytes), Rights.FdWrite));
            foreach (var preopen in configuration.Preopens) Descriptors.Add(OpenPreopen(preopen));
            foreach (var socket in configuration.ListeningSockets)
                Descriptors.Add(new SocketDescriptor(socket, listening: true) { Base = RightSets.ListeningSocket, Inheriting = RightSets.Socket });
        }
        catch
        {
            Descriptors.CloseAll();
            throw;
        }
    }

    /// <summary>Refuses limits no program can start with, before anything is opened.</summary>
    private static void CheckLimits(WasiConfiguration configuration)
    {
        var limits = configuration.Limits;
        // stdin, stdout and stderr, then each preopened directory and listening socket.
        int needed = 3 + configuration.Preopens.Count + configuration.ListeningSockets.Count;
        if (limits.MaxOpenDescriptors < needed)
            throw new WasiConfigurationException(nameof(WasiLimits.MaxOpenDescriptors), limits.MaxOpenDescriptors, $"below the {needed} descriptors stdio, the preopens and the sockets take");
        if (limits.MaxStdoutBytes < 0) throw new WasiConfigurationException(nameof(WasiLimits.MaxStdoutBytes), limits.MaxStdoutBytes, "negative");
        if (limits.MaxStderrBytes < 0) throw new WasiConfigurationException(nameof(WasiLimits.MaxStderrBytes), limits.MaxStderrBytes, "negative");
    }

    /// <summary>argv as NUL-terminated UTF-8.</summary>
    internal byte[][] Arguments { get; }

    /// <summary>The environment as NUL-terminated UTF-8 "NAME=VALUE" strings.</summary>
    internal byte[][] Environment { get; }

    internal DescriptorTable Descriptors { get; }

    private static byte[] Encode(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    private static Descriptor Stdio(WasiStdio stdio, OutputBudget? budget, Rights direction)
    {
        switch (stdio)
        {
            case WasiStdio.InheritedStdio inherited:
                var type = HostFiles.Stat(inherited.Descriptor, out var status) == 0 ? FileTypes.Of(status.Kind) : FileType.Unknown;
                var rights = RightSets.Stream;
                if (type == FileType.RegularFile) rights |= Rights.FdSeek | Rights.FdTell;
                return new HostDescriptor(inherited.Descriptor, type, owned: false, budget) { Base = rights, Inheriting = Rights.None };
            case WasiStdio.StreamStdio s:
                // A stream is one-way: stdin is not writable, stdout not readable.
                return new StreamDescriptor(s.Stream, budget) { Base = (RightSets.Stream & ~(Rights.FdRead | Rights.FdWrite)) | direction, Inheriting = Rights.None };
            default:
                throw new ArgumentException("unknown stdio kind", nameof(stdio));
        }
    }

    private static HostDescriptor OpenPreopen(WasiPreopen preopen)
    {
        var host = Encoding.UTF8.GetBytes(Path.GetFullPath(preopen.HostPath));
        int fd = HostFiles.OpenAt(HostFiles.CurrentDirectory, host, OpenFlags.Read | OpenFlags.Directory);
        if (fd < 0) throw new DirectoryNotFoundException($"cannot open the directory '{preopen.HostPath}' to preopen it (host error {-fd})");
        return new HostDescriptor(fd, FileType.Directory, owned: true)
        {
            Base = preopen.Base,
            Inheriting = preopen.Inheriting,
            PreopenName = Encoding.UTF8.GetBytes(preopen.GuestPath),
        };
    }

    public void Dispose() => Descriptors.CloseAll();
}
