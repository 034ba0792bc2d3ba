using Tessera.Platform.Files;
using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Files;

/// <summary>
/// The sandbox: turns a guest path relative to a directory descriptor into (directory handle, one
/// name) without ever leaving that directory.
/// </summary>
/// <remarks>
/// <para>Invariants, each closing one way out:</para>
/// <list type="number">
/// <item>The host never walks a path. Every host call gets a directory handle this resolver holds
/// and a single component, so no <c>/</c>, <c>..</c> or symbolic link in a name is ever interpreted
/// by the host.</item>
/// <item>Directories are descended with <c>openat(O_PATH | O_DIRECTORY | O_NOFOLLOW)</c>: a
/// component that is a symbolic link is never followed by the host; it is read with
/// <c>readlinkat</c> and its target's components are walked here, with the same rules.</item>
/// <item><c>..</c> pops the stack of handles walked so far; popping the starting directory (the
/// descriptor the guest passed, which is the sandbox root for this call) is
/// <see cref="Errno.NotCapable"/>. Absolute paths and absolute link targets are NotCapable too.</item>
/// <item>At most <see cref="MaxSymlinkHops"/> links are expanded per resolution
/// (<see cref="Errno.Loop"/> after that), so link cycles end.</item>
/// <item>The last component is acted on with calls that do not follow links either (O_NOFOLLOW,
/// AT_SYMLINK_NOFOLLOW, unlinkat, renameat, linkat without AT_SYMLINK_FOLLOW). When the guest asks
/// to follow, the resolver expands the link first; if another process swaps a link in between, the
/// host call fails with ELOOP instead of following it.</item>
/// </list>
/// <para>So there is no window between checking and opening: what is checked is the held handle
/// itself. What stays possible, as with any descriptor-based sandbox (and openat2's
/// RESOLVE_BENEATH), is that another host process moves a directory the guest holds open to a
/// place outside the preopen; the guest then reaches that directory's contents, never its new
/// parents, since <c>..</c> is resolved against the handles walked, not by the host.</para>
/// </remarks>
internal sealed class PathResolver : IDisposable
{
    /// <summary>Links expanded per resolution before <see cref="Errno.Loop"/>; Linux allows 40 too.</summary>
    public const int MaxSymlinkHops = 40;

    private readonly List<int> _handles = [];
    private readonly int _root;

    private PathResolver(int root) => _root = root;

    /// <summary>The directory holding <see cref="Name"/>.</summary>
    public int Directory => _handles.Count == 0 ? _root : _handles[^1];

    /// <summary>The last component: a single name, or "." when the path names <see cref="Directory"/> itself.</summary>
    public byte[] Name { get; private set; } = "."u8.ToArray();

    /// <summary>The path ended in '/': the last component must be a directory.</summary>
    public bool TrailingSlash { get; private set; }

    /// <summary>How many directories below the starting directory <see cref="Directory"/> is.</summary>
    public int Depth => _handles.Count;

    /// <summary>
    /// Resolves <paramref name="path"/> relative to the host directory <paramref name="root"/>.
    /// With <paramref name="followLast"/>, a symbolic link in the last component is expanded too.
    /// </summary>
    public static PathResolver Resolve(int root, byte[] path, bool followLast)
    {
        var resolver = new PathResolver(root);
        try
        {
            resolver.Walk(path, followLast);
            return resolver;
        }
        catch
        {
            resolver.Dispose();
            throw;
        }
    }

    private void Walk(byte[] path, bool followLast)
    {
        if (path.Length == 0) throw new WasiException(Errno.NoEnt);
        // Components still to walk, the next on top; a link's target is pushed in front of the rest.
        var pending = new Stack<byte[]>();
        Push(pending, path);
        int hops = 0;
        while (pending.Count > 0)
        {
            byte[] component = pending.Pop();
            bool last = pending.Count == 0;
            if (component.Length == 0 || component.AsSpan().SequenceEqual("."u8))
            {
                if (last) Name = "."u8.ToArray();
                continue;
            }
            if (component.AsSpan().SequenceEqual(".."u8))
            {
                if (_handles.Count == 0) throw new WasiException(Errno.NotCapable);
                _ = HostFiles.Close(_handles[^1]);
                _handles.RemoveAt(_handles.Count - 1);
                if (last) Name = "."u8.ToArray();
                continue;
            }
            if (last)
            {
                // A trailing slash asks for the directory a link points to, as POSIX resolves it.
                if ((followLast || TrailingSlash) && ReadLink(component) is { } target)
                {
                    Expand(pending, target, ref hops);
                    continue;
                }
                Name = component;
                continue;
            }
            int handle = HostFiles.OpenAt(Directory, component, OpenFlags.PathOnly | OpenFlags.Directory | OpenFlags.NoFollow);
            if (handle >= 0)
            {
                _handles.Add(handle);
                continue;
            }
            // ENOTDIR or ELOOP: the component is a link (O_NOFOLLOW refused it) or not a directory.
            if (handle is -HostErrno.ENOTDIR or -HostErrno.ELOOP && ReadLink(component) is { } link)
            {
                Expand(pending, link, ref hops);
                continue;
            }
            throw new WasiException(HostErrors.FromResult(handle));
        }
    }

    /// <summary>The target of <paramref name="name"/> in the current directory if it is a symbolic link.</summary>
    private byte[]? ReadLink(byte[] name)
    {
        int r = HostFiles.ReadLinkAt(Directory, name, out var target);
        if (r == 0) return target;
        // EINVAL: not a link; ENOENT: does not exist (the caller may be about to create it).
        if (r is -HostErrno.EINVAL or -HostErrno.ENOENT) return null;
        throw new WasiException(HostErrors.FromResult(r));
    }

    private void Expand(Stack<byte[]> pending, byte[] target, ref int hops)
    {
        if (++hops > MaxSymlinkHops) throw new WasiException(Errno.Loop);
        if (target.Length == 0) throw new WasiException(Errno.NoEnt);
        Push(pending, target);
    }

    /// <summary>Pushes the components of <paramref name="path"/> so the first is on top.</summary>
    private void Push(Stack<byte[]> pending, byte[] path)
    {
        if (path[0] == (byte)'/') throw new WasiException(Errno.NotCapable);
        bool slash = path[^1] == (byte)'/';
        // Only the path's own final slash describes the last component; a link target's final
        // slash applies to the target's last component, which is the path's last when nothing follows.
        if (pending.Count == 0) TrailingSlash = slash;
        var parts = path.AsSpan();
        var list = new List<byte[]>();
        foreach (var range in parts.Split((byte)'/'))
        {
            if (range.End.GetOffset(parts.Length) > range.Start.GetOffset(parts.Length)) list.Add(parts[range].ToArray());
        }
        if (list.Count == 0) list.Add("."u8.ToArray());
        for (int i = list.Count - 1; i >= 0; i--) pending.Push(list[i]);
    }

    public void Dispose()
    {
        foreach (int handle in _handles) _ = HostFiles.Close(handle);
        _handles.Clear();
    }
}
