using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// An instance of a module: its own memory, globals and tables (state per instance) bound to the
/// module's shared code. Instantiation checks imports, initializes globals, applies active element
/// and data segments in order (a segment out of bounds traps, keeping what earlier ones wrote, as
/// in WebAssembly 2.0) and runs the start function.
/// </summary>
public sealed class Instance
{
    private readonly InstanceContext _context;
    private Dictionary<string, Extern>? _exports;

    /// <summary>Instantiates <paramref name="module"/> in <paramref name="store"/> with <paramref name="imports"/>, one extern per import in import order.</summary>
    /// <remarks>Instantiation is on the path of every task spawn, so it allocates only what the
    /// instance owns: arrays sized from the module's counts, no export table (exports resolve
    /// through the module's), error text only when there is an error.</remarks>
    /// <exception cref="WasmLinkException">The wrong number of imports, an import of the wrong kind
    /// or type, an item of another store, or a host function for another type of store data;
    /// checked before anything is made.</exception>
    public Instance(Store store, Module module, IReadOnlyList<Extern> imports)
        : this(store, module, imports, typesChecked: false)
    {
    }

    /// <summary>As the public constructor; <paramref name="typesChecked"/> when the imports' kinds
    /// and types were checked before (<see cref="InstancePre"/>): only what depends on the store is.</summary>
    internal Instance(Store store, Module module, IReadOnlyList<Extern> imports, bool typesChecked)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(module);
        if (!typesChecked) CheckImports(module, imports);
        CheckStore(store, module, imports);
        Store = store;
        Module = module;
        _context = new InstanceContext(store) { Instance = this };
        var def = module.Definition;
        bool guarded = module.Engine.BoundsChecks == BoundsChecks.GuardPages;
        // Sized exactly from the index spaces the definition counted when it was built.
        var functions = Sized<Func?>(def.TotalFunctionCount);
        var tables = Sized<Table>(def.TotalTableCount);
        var globals = Sized<Global>(def.TotalGlobalCount);
        var memories = Sized<Memory>(def.TotalMemoryCount);
        int nf = 0, nt = 0, ng = 0, nm = 0;
        for (int i = 0; i < imports.Count; i++)
        {
            switch (imports[i])
            {
                // As it is, even a host function: calls pass this instance as the caller, and
                // it is bound to this instance only if it becomes a reference (FunctionRef).
                case Func f: functions[nf++] = f; break;
                case Table t: tables[nt++] = t; break;
                case Memory m: memories[nm++] = m; break;
                case Global g: globals[ng++] = g; break;
            }
        }
        var ctx = _context;
        // The module's own functions get a Func when they become references (FunctionRef).
        ctx.Functions = functions;
        ctx.Types = module.Compiled.Types;
        ctx.TypeIds = module.Compiled.TypeIds;
        ctx.Constants = module.Compiled.Constants;
        // Index loops: the definition's lists are interfaces, and a foreach over one allocates an
        // enumerator, on the path of every spawn.
        for (int i = 0; i < def.Tables.Count; i++) tables[nt++] = new Table(store, def.Tables[i]);
        ctx.Tables = tables;
        for (int i = 0; i < def.Memories.Count; i++) memories[nm++] = new Memory(def.Memories[i], store, guarded);
        ctx.Memories = memories;
        ctx.Memory0 = memories.Length > 0 ? memories[0] : null;
        // A global's initializer may read the globals before it (imported ones, and with
        // extended-const earlier ones): they are in place when it runs.
        ctx.Globals = globals;
        for (int i = 0; i < def.Globals.Count; i++)
        {
            var g = def.Globals[i];
            var (initial, initialRef) = Evaluate(g.Init, g.Type.Type);
            globals[ng++] = new Global(store, g.Type, initial, initialRef);
        }

        ctx.Elements = def.Elements.Count == 0 ? [] : new object?[def.Elements.Count][];
        for (int e = 0; e < def.Elements.Count; e++)
        {
            var segment = def.Elements[e];
            ctx.Elements[e] = [];
            Span<object?> items;
            if (segment.Mode == SegmentMode.Active)
            {
                // Checked before anything is written (a trap keeps what earlier segments wrote),
                // then filled in place: no array of its own for a segment applied once.
                var table = ctx.Tables[segment.Table.Value];
                ulong offset = (uint)Evaluate(segment.Offset, ValType.I32).Value.AsI32();
                if (offset + (ulong)segment.Count > (ulong)table.Size) throw new WasmTrap(TrapKind.TableOutOfBounds);
                items = table.Elements.AsSpan((int)offset, segment.Count);
            }
            else if (segment.Mode == SegmentMode.Passive)
            {
                items = ctx.Elements[e] = new object?[segment.Count];
            }
            else
            {
                // Declarative: only declares functions for ref.func; nothing to keep.
                continue;
            }
            for (int i = 0; i < items.Length; i++)
            {
                items[i] = segment.Functions is { } fs ? ctx.FunctionRef((int)fs[i].Value) : Evaluate(segment.Expressions!.Value[i], segment.ElementType).Ref;
            }
        }
        ctx.Data = def.Data.Count == 0 ? [] : new byte[def.Data.Count][];
        // A module's image holds all its active segments (DataImage checks they fit and cannot trap).
        bool imaged = module.DataImage is { } image && ctx.Memory0!.TryMapImage(image);
        for (int d = 0; d < def.Data.Count; d++)
        {
            var segment = def.Data[d];
            ctx.Data[d] = segment.Mode == SegmentMode.Passive ? segment.Bytes.ToArray() : [];
            if (segment.Mode != SegmentMode.Active || imaged) continue;
            ulong offset = (uint)Evaluate(segment.Offset, ValType.I32).Value.AsI32();
            var memory = ctx.Memories[segment.Memory.Value];
            if (offset + (ulong)segment.Bytes.Length > (ulong)memory.ByteLength) throw new WasmTrap(TrapKind.MemoryOutOfBounds);
            segment.Bytes.Span.CopyTo(memory.Span[(int)offset..]);
        }
        if (def.Start is { } start) ctx.FunctionRef((int)start.Value).Invoke();
    }

    public Store Store { get; }
    public Module Module { get; }

    /// <summary>The <see cref="Func"/> of function <paramref name="index"/>, one this module defines,
    /// bound to this instance (for <see cref="InstanceContext.FunctionRef"/>).</summary>
    internal Func DefinedFunction(int index)
    {
        int defined = index - Module.Definition.ImportedFunctionCount;
        var type = Module.Definition.FunctionTypeIndex(new DefinedFuncIndex((uint)defined));
        return new Func(Module.Definition.Type(type), _context, Module.Compiled.Code[defined], Module.Compiled.TypeIds[type.Value]);
    }

    /// <summary>An array of <paramref name="length"/> elements; the shared empty one for none.</summary>
    private static T[] Sized<T>(int length) => length == 0 ? [] : new T[length];

    /// <summary>From any thread: code of this instance traps with <see cref="TrapKind.Interrupted"/>
    /// at its next function entry, and, compiled with interrupt checks
    /// (<see cref="EngineOptions.Interruptible"/>), at its next loop head, and every later one (a
    /// killed task). The entry check is the stack check: the store's stack limit is raised out of
    /// reach, so other instances of the same store take a slower path at each call from then on.</summary>
    public void Interrupt()
    {
        if (Interlocked.Exchange(ref _context.Interrupt, InstanceContext.InterruptKill) != InstanceContext.InterruptKill) Store.RaiseStackLimitForInterrupt();
        else Volatile.Write(ref Store.StackLimit, nuint.MaxValue);
    }

    /// <summary>Takes back an <see cref="Interrupt"/>: the instance's code runs normally again, and
    /// the store's stack limit returns to normal at its next entry once no instance of the store is
    /// interrupted. For an embedder that runs several calls in one instance and killed one of them
    /// (the kernel's tasks sharing an instance): the others must not die of it. False when the
    /// instance was not interrupted.</summary>
    public bool ResetInterrupt()
    {
        if (Interlocked.CompareExchange(ref _context.Interrupt, 0, InstanceContext.InterruptKill) != InstanceContext.InterruptKill) return false;
        Store.LowerStackLimitAfterInterrupt();
        return true;
    }

    /// <summary>From any thread: a <see cref="SuspendableCall"/> running this instance's code
    /// compiled with <see cref="EngineOptions.Preemptible"/> suspends at its next loop head, as if
    /// a suspending import had asked (a time slice is over). No effect once killed.</summary>
    public void RequestYield() => Interlocked.CompareExchange(ref _context.Interrupt, InstanceContext.InterruptYield, 0);

    /// <summary>
    /// Fuel left for this instance's code (<see cref="EngineOptions.Fuel"/>): one unit per function
    /// entry and loop iteration; below zero, code traps with <see cref="TrapKind.OutOfFuel"/>, or,
    /// preemptible, yields its suspendable call. Zero for a new instance: give it fuel before
    /// calling. Set by the thread that runs the instance's calls, between calls (the code's own
    /// subtraction is not atomic); <see cref="Interrupt"/> and <see cref="RequestYield"/> do not
    /// touch it, the fuel check reads their flag too.
    /// </summary>
    public long Fuel
    {
        get => Volatile.Read(ref _context.Fuel);
        set => Volatile.Write(ref _context.Fuel, value);
    }

    /// <summary>Clears a yield request; true when there was one (the call may have yielded to it).</summary>
    public bool TakeYieldRequest() => Interlocked.CompareExchange(ref _context.Interrupt, 0, InstanceContext.InterruptYield) == InstanceContext.InterruptYield;

    /// <summary>Exports by name, in the module's order: <see cref="Func"/>, <see cref="Memory"/>,
    /// <see cref="Global"/> or <see cref="Table"/> (built on first use).</summary>
    public IReadOnlyDictionary<string, Extern> Exports
    {
        get
        {
            if (_exports is { } built) return built;
            var exports = new Dictionary<string, Extern>(StringComparer.Ordinal);
            foreach (var export in Module.Definition.Exports) exports[export.Name] = Resolve(export);
            return _exports = exports;
        }
    }

    /// <summary>The export named <paramref name="name"/>, or null when there is none.</summary>
    public Extern? GetExport(string name) => Module.ExportsByName.TryGetValue(name, out var export) ? Resolve(export) : null;

    /// <summary>The function exported as <paramref name="name"/>, or null when there is no export
    /// of that name or it is not a function; so for the other kinds.</summary>
    public Func? GetFunc(string name) => GetExport(name) as Func;
    public Memory? GetMemory(string name) => GetExport(name) as Memory;
    public Global? GetGlobal(string name) => GetExport(name) as Global;
    public Table? GetTable(string name) => GetExport(name) as Table;

    private Extern Resolve(Export export) => export switch
    {
        FuncExport f => _context.FunctionRef((int)f.Index.Value),
        TableExport t => _context.Tables[t.Index.Value],
        MemoryExport m => _context.Memories[m.Index.Value],
        GlobalExport g => _context.Globals[g.Index.Value],
        _ => throw new WasmUnsupportedFeatureException("exceptions", "tag export"),
    };

    /// <summary>Checks each import's kind and type against the module's declaration (WebAssembly
    /// 2.0, 4.5.2): functions by structural type, memories and tables by limits subtyping, globals
    /// by type and mutability. What does not depend on the store: <see cref="InstancePre"/> does it once.</summary>
    internal static void CheckImports(Module module, IReadOnlyList<Extern> imports)
    {
        ArgumentNullException.ThrowIfNull(imports);
        var def = module.Definition;
        if (imports.Count != def.Imports.Count) throw new WasmLinkException("wrong number of imports", $"{imports.Count} given", $"the module has {def.Imports.Count}");
        bool guarded = module.Engine.BoundsChecks == BoundsChecks.GuardPages;
        for (int i = 0; i < imports.Count; i++)
        {
            var import = def.Imports[i];
            switch (import.Kind, imports[i])
            {
                case (ExternKind.Func, Func f):
                    var expected = def.Type(import.FunctionType);
                    if (f.TypeId != module.Compiled.TypeIds[(int)import.FunctionType.Value] && !f.Type.Equals(expected)) throw Incompatible(import, expected.ToString(), f.Type.ToString());
                    break;
                case (ExternKind.Table, Table t):
                    if (t.Type.ElementType != import.Table.ElementType || !LimitsMatch(new Limits((ulong)t.Size, t.Type.Limits.Max), import.Table.Limits))
                        throw Incompatible(import, import.Table.ToString(), t.Type.ToString());
                    break;
                case (ExternKind.Memory, Memory m):
                    if (!LimitsMatch(new Limits((ulong)m.Pages, m.Type.Limits.Max), import.Memory.Limits))
                        throw Incompatible(import, import.Memory.ToString(), m.Type.ToString());
                    // Code compiled for guard pages does not check addresses: a memory without
                    // them would let it read and write past the memory's end.
                    if (guarded && !m.HasGuardPages)
                        throw Incompatible(import, import.Memory + " with guard pages (the module's engine uses BoundsChecks.GuardPages)", m.Type + " without guard pages");
                    break;
                case (ExternKind.Global, Global g):
                    if (g.Type != import.Global) throw Incompatible(import, import.Global.ToString(), g.Type.ToString());
                    break;
                case (_, null):
                    throw new WasmLinkException("missing import", Describe(import), "null given");
                default:
                    throw Incompatible(import, import.Kind.ToString().ToLowerInvariant(), imports[i].Kind.ToString().ToLowerInvariant());
            }
        }
    }

    /// <summary>Checks what depends on the store: every import is the store's own or a host
    /// function (<see cref="Store.MayUse"/>: an item of another store would run under that store's
    /// stack limit, quotas and data), and a host function taking a <see cref="Caller{T}"/> is
    /// imported into a <see cref="Store{T}"/> of its <c>T</c>.</summary>
    private static void CheckStore(Store store, Module module, IReadOnlyList<Extern> imports)
    {
        for (int i = 0; i < imports.Count; i++)
        {
            var item = imports[i];
            if (!store.MayUse(item))
                throw new WasmLinkException("import from another store", Describe(module.Definition.Imports[i]), $"the {item.Kind.ToString().ToLowerInvariant()} belongs to another store");
            if (item is Func { CallerData: { } data } && store.DataType != data)
                throw new WasmLinkException("import needs other store data", Describe(module.Definition.Imports[i]),
                    $"the host function takes a Caller<{data.Name}>; the store is {(store.DataType is { } t ? $"a Store<{t.Name}>" : "a Store without data")}");
        }
    }

    private static WasmLinkException Incompatible(Import import, string expected, string actual) =>
        new("incompatible import type", Describe(import), $"expected {expected}, got {actual}");

    private static string Describe(Import import) => $"\"{import.Module}\" \"{import.Name}\"";

    /// <summary>Import matching of limits (WebAssembly 2.0, 4.5.2): at least the minimum, and no
    /// larger maximum.</summary>
    private static bool LimitsMatch(Limits actual, Limits expected) =>
        actual.Min >= expected.Min && (expected.Max is not { } max || actual.Max is { } am && am <= max);

    /// <summary>Evaluates a constant expression: constants, global.get, ref.null, ref.func and the
    /// extended-const integer arithmetic.</summary>
    private (Value Value, object? Ref) Evaluate(ConstExpr expr, ValType type)
    {
        var reader = new WasmReader(expr.Code.Span, expr.Offset);
        // Nearly every initializer is one constant or global.get: no stack for those.
        var first = reader.ReadOpcode();
        if (first == Opcode.I32Const)
        {
            int value = reader.ReadS32();
            if (reader.ReadOpcode() == Opcode.End) return (Value.I32(value), null);
        }
        else if (first == Opcode.I64Const)
        {
            long value = reader.ReadS64();
            if (reader.ReadOpcode() == Opcode.End) return (Value.I64(value), null);
        }
        reader = new WasmReader(expr.Code.Span, expr.Offset);
        var stack = new Stack<(Value, object?)>();
        while (true)
        {
            var op = reader.ReadOpcode();
            switch (op)
            {
                case Opcode.End: return stack.Pop();
                case Opcode.I32Const: stack.Push((Value.I32(reader.ReadS32()), null)); break;
                case Opcode.I64Const: stack.Push((Value.I64(reader.ReadS64()), null)); break;
                case Opcode.F32Const: stack.Push((Value.F32Bits(reader.ReadFixedU32()), null)); break;
                case Opcode.F64Const: stack.Push((Value.F64Bits(reader.ReadFixedU64()), null)); break;
                case Opcode.V128Const: stack.Push((Value.V128(reader.ReadFixedU64(), reader.ReadFixedU64()), null)); break;
                case Opcode.GlobalGet:
                    {
                        var global = _context.Globals[reader.ReadU32()];
                        stack.Push((global.Value, global.Ref));
                        break;
                    }
                case Opcode.RefNull: reader.ReadHeapType(); stack.Push((new Value(type, 0), null)); break;
                case Opcode.RefFunc: stack.Push((new Value(type, 1), _context.FunctionRef((int)reader.ReadU32()))); break;
                case Opcode.I32Add or Opcode.I32Sub or Opcode.I32Mul:
                    {
                        int b = stack.Pop().Item1.AsI32(), a = stack.Pop().Item1.AsI32();
                        stack.Push((Value.I32(op == Opcode.I32Add ? a + b : op == Opcode.I32Sub ? a - b : a * b), null));
                        break;
                    }
                case Opcode.I64Add or Opcode.I64Sub or Opcode.I64Mul:
                    {
                        long b = stack.Pop().Item1.AsI64(), a = stack.Pop().Item1.AsI64();
                        stack.Push((Value.I64(op == Opcode.I64Add ? a + b : op == Opcode.I64Sub ? a - b : a * b), null));
                        break;
                    }
                default: throw new WasmUnsupportedFeatureException("constant expression", op.ToString());
            }
        }
    }
}
