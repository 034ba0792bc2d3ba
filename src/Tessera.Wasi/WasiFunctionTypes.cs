using Tessera.Wasm.Model;

namespace Tessera.Wasi;

/// <summary>
/// The core type of each <c>wasi_snapshot_preview1</c> function, as the witx lowers it: pointers,
/// sizes and 32-bit values are i32, 64-bit values (timestamps, offsets, rights) i64, and every
/// function but proc_exit returns its errno as an i32. <see cref="WasiCommand"/> checks a module's
/// imports against it before anything is instantiated; the delegates of
/// <see cref="WasiModule.Define(Tessera.Wasm.Runtime.Linker, WasiContext)"/> have these types,
/// which a test checks function by function.
/// </summary>
internal static class WasiFunctionTypes
{
    /// <summary>Parameters per function, one letter each: <c>i</c> i32, <c>I</c> i64; in
    /// <see cref="WasiModule.Functions"/>' order.</summary>
    private static readonly (string Name, string Parameters)[] s_parameters =
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

    private static readonly Lazy<Dictionary<string, FuncType>> s_types = new(Build);

    /// <summary>The type of WASI function <paramref name="name"/>; null for a name WASI preview 1
    /// does not define.</summary>
    public static FuncType? Of(string name) => s_types.Value.GetValueOrDefault(name);

    private static Dictionary<string, FuncType> Build()
    {
        var types = new Dictionary<string, FuncType>(s_parameters.Length, StringComparer.Ordinal);
        foreach (var (name, parameters) in s_parameters)
        {
            var p = new ValType[parameters.Length];
            for (int i = 0; i < p.Length; i++) p[i] = parameters[i] == 'I' ? ValType.I64 : ValType.I32;
            types[name] = new FuncType(p, name == "proc_exit" ? [] : [ValType.I32]);
        }
        return types;
    }
}
