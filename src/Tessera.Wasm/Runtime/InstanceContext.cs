namespace Tessera.Wasm.Runtime;

/// <summary>
/// The state of one instance, passed to every generated method as its first argument (code is per
/// module, state is per instance). Fields are public because generated code in the module's
/// dynamic assembly reads them directly; embedders use <see cref="Instance"/> instead.
/// </summary>
public sealed class InstanceContext
{
    /// <summary>Memory 0, or null when the module has none. Kept apart from <see cref="Memories"/>
    /// because it is the one generated code caches in a local: one field load at each reload.</summary>
    public Memory? Memory0;
    /// <summary>The whole memory index space (imports first); element 0 is <see cref="Memory0"/>.
    /// Generated code reaches memories other than 0 through this array (multi-memory).</summary>
    public Memory[] Memories = [];
    public Global[] Globals = [];
    /// <summary>The whole function index space (imports first), for imported calls and tables.</summary>
    public Func[] Functions = [];
    public Table[] Tables = [];
    /// <summary>Data segments for memory.init; a dropped or applied active segment is empty.</summary>
    public byte[][] Data = [];
    /// <summary>Element segments for table.init; a dropped, applied or declarative segment is empty.</summary>
    public object?[][] Elements = [];
    /// <summary>The module's types, for call_indirect's signature check.</summary>
    public Model.FuncType[] Types = [];
    /// <summary>Generated code traps with StackExhausted when the address of a local in its frame
    /// is below this (the stack grows down). Set by the outermost host-to-WebAssembly call.</summary>
    public nuint StackLimit;
}
