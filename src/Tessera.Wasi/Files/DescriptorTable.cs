using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Files;

/// <summary>
/// The guest's descriptor numbers. A new descriptor takes the lowest free number, as POSIX does;
/// the table holds at most <see cref="Limit"/> descriptors (beyond that, <see cref="Errno.MFile"/>).
/// </summary>
internal sealed class DescriptorTable(int limit)
{
    private readonly List<Descriptor?> _slots = [];
    private int _count;

    public int Limit { get; } = limit;

    /// <summary>The descriptor numbered <paramref name="fd"/>, or <see cref="Errno.BadF"/>.</summary>
    public Descriptor Get(int fd) =>
        (uint)fd < (uint)_slots.Count && _slots[fd] is { } d ? d : throw new WasiException(Errno.BadF);

    public bool TryGet(int fd, out Descriptor? descriptor)
    {
        descriptor = (uint)fd < (uint)_slots.Count ? _slots[fd] : null;
        return descriptor is not null;
    }

    /// <summary>Fails with <see cref="Errno.MFile"/> when the table is full, before anything is opened.</summary>
    public void EnsureRoom()
    {
        if (_count >= Limit) throw new WasiException(Errno.MFile);
    }

    public int Add(Descriptor descriptor)
    {
        EnsureRoom();
        int fd = _slots.IndexOf(null);
        if (fd < 0)
        {
            fd = _slots.Count;
            _slots.Add(null);
        }
        _slots[fd] = descriptor;
        _count++;
        return fd;
    }

    /// <summary>Removes and returns descriptor <paramref name="fd"/> (the caller closes it).</summary>
    public Descriptor Remove(int fd)
    {
        var descriptor = Get(fd);
        _slots[fd] = null;
        _count--;
        return descriptor;
    }

    /// <summary>fd_renumber: <paramref name="from"/> takes number <paramref name="to"/>, closing what was there.</summary>
    public void Renumber(int from, int to)
    {
        var source = Get(from);
        var target = Get(to);
        if (from == to) return;
        _slots[to] = source;
        _slots[from] = null;
        _count--;
        target.Close();
    }

    /// <summary>Closes every descriptor (when the context is disposed).</summary>
    public void CloseAll()
    {
        for (int i = 0; i < _slots.Count; i++)
        {
            _slots[i]?.Close();
            _slots[i] = null;
        }
        _count = 0;
    }
}
