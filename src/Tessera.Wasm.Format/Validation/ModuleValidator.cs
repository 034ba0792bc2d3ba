using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Validation;

/// <summary>
/// Validates a decoded module against the WebAssembly 2.0 rules (spec chapter 3), plus tail calls,
/// multi-memory, memory64 and extended-const when those features are enabled.
/// </summary>
/// <remarks>
/// <para><b>What is checked where.</b> <see cref="ModuleDecoder"/> checks the binary framing and
/// everything outside function bodies that makes a binary malformed, including the framing of
/// constant expressions and that every body's last byte is <c>end</c> ("END opcode expected").
/// Function bodies are decoded only here, in one pass that decodes and type-checks each
/// instruction (the spec's appendix algorithm), so the validator also raises the binary-format
/// errors found inside bodies as <see cref="WasmFormatException"/>:</para>
/// <list type="bullet">
/// <item>"illegal opcode": an opcode that no proposal defines;</item>
/// <item>the reader's LEB128 and immediate errors ("integer too large", "zero byte expected", ...);</item>
/// <item>"unexpected end": the body's bytes end while blocks are still open;</item>
/// <item>"section size mismatch": bytes follow the <c>end</c> that closes the function;</item>
/// <item>"END opcode expected": an <c>else</c> that does not close the then-branch of an <c>if</c>;</item>
/// <item>"data count section required": <c>memory.init</c> or <c>data.drop</c> without a data count section.</item>
/// </list>
/// <para>The spec decodes the whole module before validating it, so a malformed module is
/// malformed even when it is also invalid. When validation fails, the remaining bodies are
/// therefore scanned for a format error (<see cref="BodyFormatScan"/>, error path only) and that
/// error wins.</para>
/// <para>Every other rule is a <see cref="WasmValidationException"/> whose
/// <see cref="WasmException.Rule"/> is the spec suite's expected message (the suite's messages
/// sometimes append an index, e.g. "unknown memory 0": the rule is the prefix, the index is in the
/// detail). Errors in a body carry the function index (imports first) and the offset of the
/// offending instruction; errors in a constant expression carry its instruction's offset; other
/// module-level errors carry the offset of the section holding the entry, because the model
/// records no per-entry offsets.</para>
/// <para>Beyond 2.0: memory64 memories may have 2^48 pages ("memory size must be at most 2^48
/// pages") and a 32-bit memory's static offset must fit in 32 bits ("offset out of range"); a tail
/// call's results must match the caller's ("type mismatch"); with gc, constant expressions may
/// read any earlier immutable global (the 3.0 rule; 2.0 allows imported globals only). The decoder
/// itself rejects block instructions in constant expressions ("constant expression required").</para>
/// <para>One implementation limit is enforced: a function's operand stack may hold at most
/// 2^20 values (rule "operand stack too deep"), so that a few bytes of calls to a function with
/// many results cannot make validation allocate without bound.</para>
/// <para>Instructions and types of a disabled feature raise
/// <see cref="WasmUnsupportedFeatureException"/> (rule "unsupported feature: name", e.g.
/// "unsupported feature: tail-call"), as do enabled proposals this validator does not type yet:
/// exceptions, typed function references beyond the types themselves, and gc.</para>
/// </remarks>
public static class ModuleValidator
{
    private const ulong MaxPages32 = 65536;
    private const ulong MaxPages64 = 1UL << 48;

    /// <summary>Validates <paramref name="module"/>; returns normally when it is valid.</summary>
    /// <remarks>Safe to call from several threads at once; each thread reuses its own working
    /// buffers, so validating allocates per module and never per instruction.</remarks>
    /// <param name="module">A module from <see cref="ModuleDecoder.Decode"/>.</param>
    /// <param name="features">The enabled features; the default is WebAssembly 2.0.</param>
    /// <exception cref="WasmValidationException">The module breaks a validation rule.</exception>
    /// <exception cref="WasmFormatException">A function body is malformed.</exception>
    /// <exception cref="WasmUnsupportedFeatureException">The module uses a disabled or unimplemented feature.</exception>
    /// <example>
    /// <code>
    /// var module = ModuleDecoder.Decode(File.ReadAllBytes("app.wasm"));
    /// ModuleValidator.Validate(module);
    /// </code>
    /// </example>
    /// <param name="limits">Bounds beyond the specification's (none when null): a body nesting
    /// blocks deeper, or stacking more operands, is a <see cref="WasmLimitException"/>.</param>
    public static void Validate(ModuleDefinition module, WasmFeatures features = WasmFeatures.Wasm2, ValidationLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        var bounds = limits ?? ValidationLimits.None;
        try
        {
            var ctx = new ModuleContext(module, features)
            {
                MaxNestingDepth = bounds.MaxNestingDepth,
                MaxOperandStackHeight = Math.Min(bounds.MaxOperandStackHeight, FunctionValidator.MaxOperandStack),
            };
            var constants = new ConstExprValidator(ctx);
            ValidateTypes(ctx);
            ValidateImports(ctx);
            ValidateTables(ctx);
            ValidateMemories(ctx);
            ValidateTags(ctx);
            ValidateGlobals(ctx, constants);
            ValidateElements(ctx, constants);
            ValidateData(ctx, constants);
            ValidateStart(ctx);
            ValidateExports(ctx);
            ValidateBodies(ctx);
        }
        catch (WasmValidationException)
        {
            BodyFormatScan.ThrowIfMalformed(module, features);
            throw;
        }
    }

    private static void ValidateBodies(ModuleContext ctx)
    {
        var validator = FunctionValidator.Rent();
        try
        {
            uint count = (uint)ctx.Module.Bodies.Count;
            for (uint i = 0; i < count; i++) validator.Validate(ctx, new DefinedFuncIndex(i));
        }
        finally
        {
            FunctionValidator.Return(validator);
        }
    }

    private static void ValidateTypes(ModuleContext ctx)
    {
        var types = ctx.Module.Types;
        for (int i = 0; i < types.Count; i++)
        {
            foreach (var t in types[i].Parameters) CheckDefinedValType(ctx, t, i, $"parameter of type {i}");
            foreach (var t in types[i].Results) CheckDefinedValType(ctx, t, i, $"result of type {i}");
            if (types[i].Results.Length > 1 && (ctx.Features & WasmFeatures.MultiValue) == 0)
            {
                throw new WasmUnsupportedFeatureException(Features.Name(WasmFeatures.MultiValue), $"type {i} has {types[i].Results.Length} results");
            }
        }
    }

    private static void ValidateImports(ModuleContext ctx)
    {
        bool mutableGlobals = (ctx.Features & WasmFeatures.MutableGlobals) != 0;
        foreach (var import in ctx.Module.Imports)
        {
            string what = $"import \"{import.Module}\" \"{import.Name}\"";
            switch (import.Kind)
            {
                case ExternKind.Table:
                    CheckTableType(ctx, import.Table, SectionId.Import, what);
                    break;
                case ExternKind.Memory:
                    CheckMemoryType(ctx, import.Memory, SectionId.Import, what);
                    break;
                case ExternKind.Global:
                    CheckValType(ctx, import.Global.Type, SectionId.Import, what);
                    if (import.Global.Mutable && !mutableGlobals)
                    {
                        throw new WasmUnsupportedFeatureException(Features.Name(WasmFeatures.MutableGlobals), what);
                    }
                    break;
                case ExternKind.Tag:
                    CheckTagType(ctx, import.FunctionType, SectionId.Import, what);
                    break;
            }
        }
    }

    private static void ValidateTables(ModuleContext ctx)
    {
        for (uint i = 0; i < ctx.Module.Tables.Count; i++)
        {
            var table = ctx.Module.ToIndex(new DefinedTableIndex(i));
            CheckTableType(ctx, ctx.Module.TableType(table), SectionId.Table, $"table {table.Value}");
        }
        if (ctx.Tables.Length > 1 && (ctx.Features & WasmFeatures.ReferenceTypes) == 0)
        {
            ctx.Fail(ctx.Module.Tables.Count > 0 ? SectionId.Table : SectionId.Import, "multiple tables", $"{ctx.Tables.Length} tables");
        }
    }

    private static void ValidateMemories(ModuleContext ctx)
    {
        for (uint i = 0; i < ctx.Module.Memories.Count; i++)
        {
            var memory = ctx.Module.ToIndex(new DefinedMemoryIndex(i));
            CheckMemoryType(ctx, ctx.Module.MemoryType(memory), SectionId.Memory, $"memory {memory.Value}");
        }
        if (ctx.Memories.Length > 1 && !ctx.MultiMemory)
        {
            ctx.Fail(ctx.Module.Memories.Count > 0 ? SectionId.Memory : SectionId.Import, "multiple memories", $"{ctx.Memories.Length} memories");
        }
    }

    private static void ValidateTags(ModuleContext ctx)
    {
        for (uint i = 0; i < ctx.Module.Tags.Count; i++)
        {
            var tag = ctx.Module.ToIndex(new DefinedTagIndex(i));
            CheckTagType(ctx, ctx.Module.TagTypeIndex(tag), SectionId.Tag, $"tag {tag.Value}");
        }
    }

    /// <summary>Global initializers see the imported globals (2.0); with gc, also the globals defined before them.</summary>
    private static void ValidateGlobals(ModuleContext ctx, ConstExprValidator constants)
    {
        var module = ctx.Module;
        bool seePreceding = (ctx.Features & WasmFeatures.Gc) != 0;
        for (uint i = 0; i < module.Globals.Count; i++)
        {
            var defined = new DefinedGlobalIndex(i);
            var index = module.ToIndex(defined);
            var global = module.Global(defined);
            CheckValType(ctx, global.Type.Type, SectionId.Global, $"global {index.Value}");
            constants.Validate(global.Init, global.Type.Type, seePreceding ? (int)index.Value : module.ImportedGlobalCount, $"the initializer of global {index.Value}");
        }
    }

    private static void ValidateElements(ModuleContext ctx, ConstExprValidator constants)
    {
        var module = ctx.Module;
        int visibleGlobals = SegmentVisibleGlobals(ctx);
        for (uint i = 0; i < module.Elements.Count; i++)
        {
            var segment = module.ElementSegment(new ElemIndex(i));
            CheckValType(ctx, segment.ElementType, SectionId.Element, $"element segment {i}");
            if (segment.Functions is { } functions)
            {
                foreach (var f in functions)
                {
                    if (f.Value >= (uint)ctx.FunctionTypes.Length) ctx.Fail(SectionId.Element, "unknown function", $"function {f} in element segment {i}; the module has {ctx.FunctionTypes.Length}");
                    ctx.DeclareReference(f);
                }
            }
            else
            {
                foreach (var item in segment.Expressions!.Value) constants.Validate(item, segment.ElementType, visibleGlobals, $"an item of element segment {i}");
            }
            if (segment.Mode != SegmentMode.Active) continue;
            if (segment.Table.Value >= (uint)ctx.Tables.Length)
            {
                ModuleContext.Fail(segment.Offset.Offset, "unknown table", $"table {segment.Table} of element segment {i}; the module has {ctx.Tables.Length}");
            }
            var table = ctx.Tables[segment.Table.Value];
            constants.Validate(segment.Offset, ModuleContext.AddressType(table.Limits), visibleGlobals, $"the offset of element segment {i}");
            if (!Subtyping.Matches(ctx, segment.ElementType, table.ElementType))
            {
                ModuleContext.Fail(segment.Offset.Offset, "type mismatch", $"element segment {i} of {segment.ElementType} for table {segment.Table} of {table.ElementType}");
            }
        }
    }

    private static void ValidateData(ModuleContext ctx, ConstExprValidator constants)
    {
        var module = ctx.Module;
        int visibleGlobals = SegmentVisibleGlobals(ctx);
        for (uint i = 0; i < module.Data.Count; i++)
        {
            var segment = module.DataSegment(new DataIndex(i));
            if (segment.Mode != SegmentMode.Active) continue;
            if (segment.Memory.Value >= (uint)ctx.Memories.Length)
            {
                ModuleContext.Fail(segment.Offset.Offset, "unknown memory", $"memory {segment.Memory} of data segment {i}; the module has {ctx.Memories.Length}");
            }
            var memory = ctx.Memories[segment.Memory.Value];
            constants.Validate(segment.Offset, ModuleContext.AddressType(memory.Limits), visibleGlobals, $"the offset of data segment {i}");
        }
    }

    /// <summary>Segment offsets and items see the imported globals (2.0); with gc, all globals.</summary>
    private static int SegmentVisibleGlobals(ModuleContext ctx) =>
        (ctx.Features & WasmFeatures.Gc) != 0 ? ctx.Globals.Length : ctx.Module.ImportedGlobalCount;

    private static void ValidateStart(ModuleContext ctx)
    {
        if (ctx.Module.Start is not { } start) return;
        if (start.Value >= (uint)ctx.FunctionTypes.Length) ctx.Fail(SectionId.Start, "unknown function", $"start function {start}; the module has {ctx.FunctionTypes.Length}");
        var type = ctx.FunctionTypes[start.Value];
        if (type.Parameters.Length != 0 || type.Results.Length != 0) ctx.Fail(SectionId.Start, "start function", $"function {start} has type {type}, not [] -> []");
    }

    private static void ValidateExports(ModuleContext ctx)
    {
        var exports = ctx.Module.Exports;
        var names = new HashSet<string>(exports.Count, StringComparer.Ordinal);
        bool mutableGlobals = (ctx.Features & WasmFeatures.MutableGlobals) != 0;
        foreach (var export in exports)
        {
            if (!names.Add(export.Name)) ctx.Fail(SectionId.Export, "duplicate export name", $"\"{export.Name}\"");
            (uint index, int count) = export switch
            {
                FuncExport f => (f.Index.Value, ctx.FunctionTypes.Length),
                TableExport t => (t.Index.Value, ctx.Tables.Length),
                MemoryExport m => (m.Index.Value, ctx.Memories.Length),
                GlobalExport g => (g.Index.Value, ctx.Globals.Length),
                TagExport t => (t.Index.Value, ctx.Module.TotalTagCount),
                _ => throw new ArgumentOutOfRangeException(nameof(ctx), export.Kind, "not an export kind"),
            };
            if (index >= (uint)count)
            {
                string kind = export.Kind == ExternKind.Func ? "function" : export.Kind.ToString().ToLowerInvariant();
                ctx.Fail(SectionId.Export, $"unknown {kind}", $"export \"{export.Name}\" names {kind} {index}; the module has {count}");
            }
            if (export is FuncExport function) ctx.DeclareReference(function.Index);
            if (export is GlobalExport global && !mutableGlobals && ctx.Globals[global.Index.Value].Mutable)
            {
                throw new WasmUnsupportedFeatureException(Features.Name(WasmFeatures.MutableGlobals), $"export \"{export.Name}\"");
            }
        }
    }

    private static void CheckTableType(ModuleContext ctx, TableType table, SectionId section, string what)
    {
        CheckValType(ctx, table.ElementType, section, what);
        if (!table.ElementType.IsRef) ctx.Fail(section, "malformed reference type", what);
        if (!table.ElementType.IsNullable) throw new WasmUnsupportedFeatureException(Features.Name(WasmFeatures.FunctionReferences), $"{what}: a table of non-nullable references needs an initializer");
        var limits = table.Limits;
        // The 2.0 binary format cannot express more; a model built otherwise (or 3.0's u64 limits) can.
        if (!limits.Is64 && (limits.Min > uint.MaxValue || limits.Max > uint.MaxValue))
        {
            ctx.Fail(section, "table size must be at most 2^32-1", $"{what} has limits {limits}");
        }
        CheckMinMax(ctx, limits, section, what);
    }

    private static void CheckMemoryType(ModuleContext ctx, MemoryType memory, SectionId section, string what)
    {
        var limits = memory.Limits;
        ulong maxPages = limits.Is64 ? MaxPages64 : MaxPages32;
        string rule = limits.Is64 ? "memory size must be at most 2^48 pages" : "memory size must be at most 65536 pages (4GiB)";
        if (limits.Min > maxPages) ctx.Fail(section, rule, $"{what} has minimum {limits.Min}");
        if (limits.Max is { } max && max > maxPages) ctx.Fail(section, rule, $"{what} has maximum {max}");
        CheckMinMax(ctx, limits, section, what);
    }

    private static void CheckMinMax(ModuleContext ctx, Limits limits, SectionId section, string what)
    {
        if (limits.Max is { } max && limits.Min > max)
        {
            ctx.Fail(section, "size minimum must not be greater than maximum", $"{what} has limits {limits.Min} {max}");
        }
    }

    private static void CheckTagType(ModuleContext ctx, TypeIndex index, SectionId section, string what)
    {
        var type = ctx.TypeOrNull(index);
        if (type is null) ctx.Fail(section, "unknown type", $"{what} has type {index}");
        if (type.Results.Length != 0) ctx.Fail(section, "non-empty tag result type", $"{what} has type {type}");
    }

    /// <summary>A type definition may refer to itself and to earlier types, not to later ones: each
    /// type is its own recursion group (rec groups are gc, which this validator does not implement).</summary>
    private static void CheckDefinedValType(ModuleContext ctx, ValType type, int definedIndex, string what)
    {
        CheckValType(ctx, type, SectionId.Type, what);
        if (type.IsRef && type.Heap.IsConcrete && type.Heap.TypeIndex.Value > (uint)definedIndex)
        {
            ctx.Fail(SectionId.Type, "unknown type", $"{what} refers forward to type {type.Heap.TypeIndex}");
        }
    }

    private static void CheckValType(ModuleContext ctx, ValType type, SectionId section, string what)
    {
        var problem = ctx.CheckValType(type);
        if (problem == ValTypeProblem.None) return;
        if (problem == ValTypeProblem.UnknownType) ctx.Fail(section, "unknown type", $"{what}: {type}");
        throw new WasmUnsupportedFeatureException(Features.Name(Features.ForProblem(problem)), $"{what}: {type}");
    }
}
