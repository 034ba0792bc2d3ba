using System.Buffers.Binary;
using System.Text;
using Tessera.Wasi.Abi;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasi.Tests;

/// <summary>
/// A WebAssembly module that imports every WASI function with its witx signature (so linking
/// checks each signature) and re-exports it, with its memory, so a test calls WASI exactly as a
/// guest does and inspects the bytes written into linear memory.
/// </summary>
internal sealed class Guest : IDisposable
{
    /// <summary>Each function's parameters (i = i32, I = i64) as the witx lowers them; all return an errno except proc_exit.</summary>
    public static readonly (string Name, string Params)[] Signatures =
    [
        ("args_get", "ii"), ("args_sizes_get", "ii"), ("environ_get", "ii"), ("environ_sizes_get", "ii"),
        ("clock_res_get", "ii"), ("clock_time_get", "iIi"), ("fd_advise", "iIIi"), ("fd_allocate", "iII"),
        ("fd_close", "i"), ("fd_datasync", "i"), ("fd_fdstat_get", "ii"), ("fd_fdstat_set_flags", "ii"),
        ("fd_fdstat_set_rights", "iII"), ("fd_filestat_get", "ii"), ("fd_filestat_set_size", "iI"),
        ("fd_filestat_set_times", "iIIi"), ("fd_pread", "iiiIi"), ("fd_prestat_get", "ii"),
        ("fd_prestat_dir_name", "iii"), ("fd_pwrite", "iiiIi"), ("fd_read", "iiii"), ("fd_readdir", "iiiIi"),
        ("fd_renumber", "ii"), ("fd_seek", "iIii"), ("fd_sync", "i"), ("fd_tell", "ii"), ("fd_write", "iiii"),
        ("path_create_directory", "iii"), ("path_filestat_get", "iiiii"), ("path_filestat_set_times", "iiiiIIi"),
        ("path_link", "iiiiiii"), ("path_open", "iiiiiIIii"), ("path_readlink", "iiiiii"),
        ("path_remove_directory", "iii"), ("path_rename", "iiiiii"), ("path_symlink", "iiiii"),
        ("path_unlink_file", "iii"), ("poll_oneoff", "iiii"), ("proc_exit", "i"), ("proc_raise", "i"),
        ("sched_yield", ""), ("random_get", "ii"), ("sock_accept", "iii"), ("sock_recv", "iiiiii"),
        ("sock_send", "iiiii"), ("sock_shutdown", "ii"),
    ];

    public const int PathA = 1024, PathB = 2048, Data = 8192, Out = 256;

    private readonly Instance _instance;
    public WasiContext Context { get; }

    public Guest(WasiConfiguration configuration, int pages = 1)
    {
        Context = new WasiContext(configuration);
        var wat = new StringBuilder("(module\n");
        var funcs = new StringBuilder($"(memory (export \"memory\") {pages})\n");
        foreach (var (name, ps) in Signatures)
        {
            string param = string.Concat(ps.Select(p => p == 'i' ? " i32" : " i64"));
            string result = name == "proc_exit" ? "" : " (result i32)";
            wat.Append($"(import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param{param}){result}))\n");
            funcs.Append($"(func (export \"{name}\") (param{param}){result} {string.Concat(ps.Select((_, i) => $"local.get {i} "))}call ${name})\n");
        }
        wat.Append(funcs).Append(')');
        var engine = new Engine();
        var linker = WasiModule.Define(new Linker(), Context);
        _instance = linker.Instantiate(new Store(engine), Module.FromText(engine, wat.ToString()));
    }

    public Span<byte> Memory => _instance.GetMemory("memory")!.Span;

    /// <summary>Calls WASI function <paramref name="name"/>; ints are i32, longs i64; returns the errno.</summary>
    public Errno Call(string name, params object[] args)
    {
        var values = args.Select(a => a switch
        {
            int i => Value.I32(i),
            long l => Value.I64(l),
            Errno e => Value.I32((int)e),
            _ => throw new ArgumentException(a.GetType().Name),
        }).ToArray();
        var results = _instance.GetFunc(name)!.Invoke(values);
        return (Errno)results[0].AsI32();
    }

    public uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(Memory[at..]);
    public ulong U64(int at) => BinaryPrimitives.ReadUInt64LittleEndian(Memory[at..]);
    public ushort U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(Memory[at..]);
    public void SetU32(int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(Memory[at..], v);
    public void SetU64(int at, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(Memory[at..], v);

    /// <summary>Writes <paramref name="text"/> at <paramref name="at"/>; returns its length in bytes.</summary>
    public int Put(int at, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        bytes.CopyTo(Memory[at..]);
        return bytes.Length;
    }

    public string Text(int at, int length) => Encoding.UTF8.GetString(Memory.Slice(at, length));

    /// <summary>path_open of <paramref name="path"/> in <paramref name="dir"/>; returns (errno, fd).
    /// Unless given, the rights asked for are all of them, or with O_DIRECTORY a directory's (a
    /// directory opened with fd_write is EISDIR).</summary>
    public (Errno, int) Open(int dir, string path, OFlags oflags = 0, Rights? rights = null, FdFlags fdflags = 0, bool follow = true)
    {
        rights ??= (oflags & OFlags.Directory) != 0 ? RightSets.Directory : RightSets.All;
        int len = Put(PathA, path);
        var e = Call("path_open", dir, follow ? 1 : 0, PathA, len, (int)oflags, (long)rights.Value, (long)RightSets.All, (int)fdflags, Out);
        return (e, e == Errno.Success ? (int)U32(Out) : -1);
    }

    /// <summary>Writes one iovec for <paramref name="text"/> at Data and calls fd_write; returns (errno, written).</summary>
    public (Errno, uint) Write(int fd, string text)
    {
        int len = Put(Data + 64, text);
        SetU32(Data, Data + 64);
        SetU32(Data + 4, (uint)len);
        var e = Call("fd_write", fd, Data, 1, Out);
        return (e, U32(Out));
    }

    /// <summary>Reads up to <paramref name="max"/> bytes with fd_read; returns (errno, text).</summary>
    public (Errno, string) Read(int fd, int max = 256)
    {
        SetU32(Data, Data + 64);
        SetU32(Data + 4, (uint)max);
        var e = Call("fd_read", fd, Data, 1, Out);
        return (e, e == Errno.Success ? Text(Data + 64, (int)U32(Out)) : "");
    }

    /// <summary>Calls a path function taking (fd, path, len).</summary>
    public Errno PathCall(string name, int dir, string path)
    {
        int len = Put(PathA, path);
        return Call(name, dir, PathA, len);
    }

    public void Dispose() => Context.Dispose();
}
