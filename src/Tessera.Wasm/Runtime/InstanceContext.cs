using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// The state generated code works on, passed to every generated method as its first argument (code
/// is per module, state is per instance). Generated assemblies read these fields directly (they are
/// allowed to see Tessera.Wasm's internals); embedders use <see cref="Instance"/> instead.
/// </summary>
/// <remarks>
/// A host function is called the same way as a WebAssembly one, so it has a context too, holding
/// the callback. An instance that imports it shares that context: its direct calls pass the
/// importing instance as the caller through <see cref="HostEntry"/>. Only when the import becomes a
/// reference (an export, a table element, <c>ref.func</c>) does it get a context of its own naming
/// the importer as its caller (<see cref="FunctionRef"/>), so instantiating allocates nothing per
/// import.
/// </remarks>
internal sealed class InstanceContext : ContextFlags
{
    public InstanceContext(Store? store) => Store = store;

    /// <summary>The store whose stack limit generated code checks; null only for a host function
    /// not yet imported anywhere.</summary>
    public readonly Store? Store;

    /// <summary>The instance this context belongs to (null for a host function).</summary>
    public Instance? Instance;

    /// <summary>Memory 0, or null when the module has none. Kept apart from <see cref="Memories"/>
    /// because it is the one generated code caches in a local: one field load at each reload.</summary>
    public Memory? Memory0;
    /// <summary>The whole memory index space (imports first); element 0 is <see cref="Memory0"/>.
    /// Generated code reaches memories other than 0 through this array (multi-memory).</summary>
    public Memory[] Memories = [];
    public Global[] Globals = [];
    /// <summary>The whole function index space (imports first), for imported calls and tables. A
    /// function defined by the module is null until it becomes a reference (<see cref="FunctionRef"/>):
    /// calls within the module are direct, so most never need a <see cref="Func"/>.</summary>
    public Func?[] Functions = [];
    public Table[] Tables = [];
    /// <summary>Data segments for memory.init; a dropped or applied active segment is empty.</summary>
    public byte[][] Data = [];
    /// <summary>Element segments for table.init; a dropped, applied or declarative segment is empty.</summary>
    public object?[][] Elements = [];
    /// <summary>The module's types, by type index.</summary>
    public FuncType[] Types = [];
    /// <summary>The canonical id of each of the module's types (<see cref="FuncTypeIds"/>): call_indirect
    /// compares one int against the callee's.</summary>
    public int[] TypeIds = [];
    /// <summary>The module's constant table (<c>CompiledModule.Constants</c>), shared, never written:
    /// constants the JIT must not fold are loaded from here.</summary>
    public ulong[] Constants = [];

    /// <summary>The saved frames of a suspended call: numeric values (a v128 takes two slots) and
    /// resume points, innermost frame at the bottom; <see cref="SlotTop"/> is the first free slot.</summary>
    public long[] Slots = [];
    public int SlotTop;
    /// <summary>The saved reference values (funcref, externref, the callee of an indirect call).</summary>
    public object?[] RefSlots = [];
    public int RefTop;
    /// <summary>The store entry depth at which a <see cref="SuspendableCall"/> runs this instance;
    /// 0 when none does. A suspension request is honoured only at that depth, so no host frame
    /// is ever unwound through.</summary>
    public int SuspendableDepth;
    /// <summary>For a host function: the embedder's callback (a <see cref="HostCallback"/> or a typed delegate).</summary>
    public object? HostCallback;
    /// <summary>For a host function: the context of the instance that imported it, for calls
    /// through a reference (a table, an export); null until bound (<see cref="FunctionRef"/>).</summary>
    public InstanceContext? Caller;
    /// <summary>For a host function: its adapter with the caller's context as a second argument
    /// (<c>(host, caller, params...)</c>, <see cref="Compilation.HostAdapters"/>). A direct call of an
    /// import uses it when it is not zero, passing its own context as the caller.</summary>
    public nint HostEntry;

    /// <summary>Function <paramref name="index"/> as a reference (<c>ref.func</c>, an element segment,
    /// an export, the start function): a function of this module or an imported host function
    /// bound to this instance as its caller, made on first use and kept in <see cref="Functions"/>
    /// so the reference is the same each time; any other import as it is.</summary>
    public Func FunctionRef(int index)
    {
        var function = Functions[index];
        if (function is not null && (!function.IsHost || function.Target.Caller == this)) return function;
        var made = function is null ? Instance!.DefinedFunction(index) : function.BoundTo(this);
        // Exports resolve from any thread: the first one made wins, so every reference is one object.
        var seen = Interlocked.CompareExchange(ref Functions[index], made, function);
        return seen == function ? made : seen!;
    }
}
