using Tessera.Wasi.Abi;

namespace Tessera.Wasi.Files;

/// <summary>
/// The guest's descriptor numbers. A new descriptor takes the lowest free number, as POSIX does;
/// the table holds at most <see cref="Limit"/> descriptors (beyond that, <see cref="Errno.MFile"/>).
/// The tasks of one program share its table and run on several threads at once, so every access
/// takes the table's lock (uncontended, a few nanoseconds).
/// </summary>
internal sealed class DescriptorTable(int limit)
{
    private readonly List<Descriptor?> _slots = [];
    private int _count;

    public int Limit { get; } = limit;

    /// <summary>The descriptor numbered <paramref name="fd"/>, or <see cref="Errno.BadF"/>.</summary>
    public Descriptor Get(int fd) => TryGet(fd, out var d) ? d! : throw new WasiException(Errno.BadF);

    public bool TryGet(int fd, out Descriptor? descriptor)
    {
        lock (_slots) descriptor = (uint)fd < (uint)_slots.Count ? _slots[fd] : null;
        return descriptor is not null;
    }

    /// <summary>Fails with <see cref="Errno.MFile"/> when the table is full, before anything is opened.</summary>
    public void EnsureRoom()
    {
        if (Volatile.Read(ref _count) >= Limit) throw new WasiException(Errno.MFile);
    }

    /// <summary>Numbers <paramref name="descriptor"/>; when the table is full it is closed and the
    /// call fails with <see cref="Errno.MFile"/> (another task may have taken the last number since
    /// <see cref="EnsureRoom"/>).</summary>
    public int Add(Descriptor descriptor)
    {
        lock (_slots)
        {
            if (_count < Limit)
            {
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
        }
        descriptor.Close();
        throw new WasiException(Errno.MFile);
    }

    /// <summary>Removes and returns descriptor <paramref name="fd"/> (the caller closes it).</summary>
    public Descriptor Remove(int fd)
    {
        lock (_slots)
        {
            var descriptor = Get(fd);
            _slots[fd] = null;
            _count--;
            return descriptor;
        }
    }

    /// <summary>fd_renumber: <paramref name="from"/> takes number <paramref name="to"/>, closing what was there.</summary>
    public void Renumber(int from, int to)
    {
        Descriptor target;
        lock (_slots)
        {
            var source = Get(from);
            target = Get(to);
            if (from == to) return;
            _slots[to] = source;
            _slots[from] = null;
            _count--;
        }
        target.Close();
    }

    /// <summary>Closes every descriptor (when the context is disposed).</summary>
    public void CloseAll()
    {
        Descriptor?[] open;
        lock (_slots)
        {
            open = [.. _slots];
            _slots.Clear();
            _count = 0;
        }
        foreach (var d in open) d?.Close();
    }
}
