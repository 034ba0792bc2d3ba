using System.Net.Sockets;
using Tessera.Wasi.Abi;

namespace Tessera.Wasi;

/// <summary>
/// Everything a WASI program is given: arguments, environment, preopened directories with their
/// rights, listening sockets, stdio, and limits. Nothing else is reachable: the configuration is
/// the guest's whole capability set.
/// </summary>
public sealed class WasiConfiguration
{
    /// <summary>argv, the program name first.</summary>
    public List<string> Arguments { get; } = [];

    /// <summary>Environment variables, in order (duplicates are passed as given).</summary>
    public List<KeyValuePair<string, string>> Environment { get; } = [];

    /// <summary>Directories the guest may use, numbered from descriptor 3 in this order.</summary>
    public List<WasiPreopen> Preopens { get; } = [];

    /// <summary>Listening TCP sockets, numbered after the preopens (wasi-libc finds preopens by
    /// walking descriptors from 3 until one is not a preopen, so they must come first).</summary>
    public List<Socket> ListeningSockets { get; } = [];

    public WasiStdio Stdin { get; set; } = WasiStdio.Null;
    public WasiStdio Stdout { get; set; } = WasiStdio.Null;
    public WasiStdio Stderr { get; set; } = WasiStdio.Null;

    public WasiLimits Limits { get; set; } = new();

    public WasiConfiguration WithArguments(params string[] arguments)
    {
        Arguments.AddRange(arguments);
        return this;
    }

    public WasiConfiguration WithEnvironment(string name, string value)
    {
        Environment.Add(new(name, value));
        return this;
    }

    public WasiConfiguration WithPreopen(string hostPath, string guestPath, bool readOnly = false)
    {
        Preopens.Add(readOnly ? WasiPreopen.ReadOnly(hostPath, guestPath) : new WasiPreopen(hostPath, guestPath));
        return this;
    }
}

/// <summary>A host directory given to the guest under <paramref name="GuestPath"/>, with the rights
/// the directory itself has (<paramref name="Base"/>) and the most that files and directories
/// opened through it may have (<paramref name="Inheriting"/>).</summary>
public sealed record WasiPreopen(string HostPath, string GuestPath, Rights Base = RightSets.Directory, Rights Inheriting = RightSets.Directory | RightSets.RegularFile)
{
    /// <summary>A directory the guest may read and list, but not change.</summary>
    public static WasiPreopen ReadOnly(string hostPath, string guestPath) =>
        new(hostPath, guestPath, RightSets.ReadOnlyDirectory, RightSets.ReadOnlyDirectory | RightSets.ReadOnlyFile);
}

/// <summary>Where one of the guest's stdin, stdout and stderr goes.</summary>
public abstract record WasiStdio
{
    /// <summary>Nothing: reads see end of file, writes are discarded.</summary>
    public static readonly WasiStdio Null = new StreamStdio(Stream.Null);

    /// <summary>A .NET stream (read for stdin, written and flushed for the outputs).</summary>
    public static WasiStdio FromStream(Stream stream) => new StreamStdio(stream);

    /// <summary>The host process's own descriptor (0, 1 or 2): a terminal, pipe or file, passed
    /// through unbuffered and pollable.</summary>
    public static WasiStdio Inherit(int hostDescriptor) => new InheritedStdio(hostDescriptor);

    internal sealed record StreamStdio(Stream Stream) : WasiStdio;
    internal sealed record InheritedStdio(int Descriptor) : WasiStdio;
}

/// <summary>Bounds on what a guest may consume.</summary>
public sealed record WasiLimits
{
    /// <summary>Descriptors open at once, stdio and preopens included (then EMFILE).</summary>
    public int MaxOpenDescriptors { get; init; } = 1024;

    /// <summary>Bytes the guest may write to stdout in total (then EFBIG).</summary>
    public long MaxStdoutBytes { get; init; } = long.MaxValue;

    /// <summary>Bytes the guest may write to stderr in total (then EFBIG).</summary>
    public long MaxStderrBytes { get; init; } = long.MaxValue;
}
