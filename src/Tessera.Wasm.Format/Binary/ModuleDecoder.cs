using System.Runtime.InteropServices;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Binary;

/// <summary>
/// Decodes a module binary (WebAssembly 2.0 binary format, chapter 5) into a
/// <see cref="ModuleDefinition"/>.
/// </summary>
/// <remarks>
/// Decoding is one pass over the sections. Function bodies are checked only for their framing
/// (size, local declarations, final <c>end</c> byte); their instructions are decoded once, by the
/// validator, which reports malformed instructions as <see cref="WasmFormatException"/> too. This
/// keeps decode work proportional to the number of sections and entries, not instructions.
/// Every count read from the binary is checked against the bytes that remain before anything is
/// allocated for it, so a hostile length field cannot cause a large allocation.
/// </remarks>
public static class ModuleDecoder
{
    private const uint Magic = 0x6D736100; // "\0asm"
    private const uint Version = 1;
    private const ulong MaxLocals = uint.MaxValue;

    /// <summary>Decodes <paramref name="bytes"/>. Throws <see cref="WasmFormatException"/> if malformed,
    /// <see cref="WasmUnsupportedFeatureException"/> if it uses a feature not in <paramref name="features"/>.</summary>
    public static ModuleDefinition Decode(ReadOnlyMemory<byte> bytes, WasmFeatures features = WasmFeatures.Wasm2)
    {
        var module = new ModuleDefinitionBuilder(bytes);
        var reader = new WasmReader(bytes.Span);
        var context = new DecodeContext(module, features);

        if (reader.Remaining < 4) reader.Fail("unexpected end");
        if (reader.ReadFixedU32() != Magic) WasmReader.Fail("magic header not detected", 0);
        if (reader.Remaining < 4) reader.Fail("unexpected end");
        if (reader.ReadFixedU32() != Version) WasmReader.Fail("unknown binary version", 4);

        int lastRank = 0;
        while (!reader.AtEnd)
        {
            int sectionStart = reader.Offset;
            byte id = reader.ReadByte();
            int rank = id == (byte)SectionId.Tag && (features & WasmFeatures.Exceptions) == 0 ? -1 : SectionRank(id);
            if (rank < 0) WasmReader.Fail("malformed section id", sectionStart, $"id {id}");
            uint size = reader.ReadU32();
            if (size > (uint)reader.Remaining) WasmReader.Fail("length out of bounds", sectionStart, $"section size {size}, {reader.Remaining} bytes left");
            var section = reader.Slice((int)size);
            if (id != (byte)SectionId.Custom)
            {
                if (rank <= lastRank) WasmReader.Fail("unexpected content after last section", sectionStart, $"section {(SectionId)id} out of order");
                lastRank = rank;
            }
            context.DecodeSection((SectionId)id, ref section, sectionStart);
            if (!section.AtEnd) WasmReader.Fail("section size mismatch", section.Offset, $"{(SectionId)id} section");
        }

        if (module.Functions.Length != module.Bodies.Count)
        {
            WasmReader.Fail("function and code section have inconsistent lengths", reader.Offset);
        }
        if (module.DataCount is { } dataCount && dataCount != (uint)module.Data.Count)
        {
            WasmReader.Fail("data count and data section have inconsistent lengths", reader.Offset);
        }
        return module.Build();
    }

    /// <summary>Order of the known sections; -1 for an unknown id. Custom sections may appear anywhere.</summary>
    private static int SectionRank(byte id) => (SectionId)id switch
    {
        SectionId.Custom => 0,
        SectionId.Type => 1,
        SectionId.Import => 2,
        SectionId.Function => 3,
        SectionId.Table => 4,
        SectionId.Memory => 5,
        SectionId.Tag => 6,
        SectionId.Global => 7,
        SectionId.Export => 8,
        SectionId.Start => 9,
        SectionId.Element => 10,
        SectionId.DataCount => 11,
        SectionId.Code => 12,
        SectionId.Data => 13,
        _ => -1,
    };

    /// <summary>The per-module state of one decode; section readers are methods on it.</summary>
    private sealed class DecodeContext(ModuleDefinitionBuilder module, WasmFeatures features)
    {
        private readonly bool _multiMemory = (features & WasmFeatures.MultiMemory) != 0;
        private readonly bool _memory64 = (features & WasmFeatures.Memory64) != 0;

        public void DecodeSection(SectionId id, ref WasmReader r, int sectionStart)
        {
            switch (id)
            {
                case SectionId.Custom: DecodeCustom(ref r, sectionStart); break;
                case SectionId.Type: DecodeTypes(ref r); break;
                case SectionId.Import: DecodeImports(ref r); break;
                case SectionId.Function: DecodeFunctions(ref r); break;
                case SectionId.Table: DecodeTables(ref r); break;
                case SectionId.Memory: DecodeMemories(ref r); break;
                case SectionId.Tag: DecodeTags(ref r); break;
                case SectionId.Global: DecodeGlobals(ref r); break;
                case SectionId.Export: DecodeExports(ref r); break;
                case SectionId.Start: module.Start = r.ReadFuncIndex(); break;
                case SectionId.Element: DecodeElements(ref r); break;
                case SectionId.DataCount: module.DataCount = r.ReadU32(); break;
                case SectionId.Code: DecodeCode(ref r); break;
                case SectionId.Data: DecodeData(ref r); break;
            }
        }

        private void DecodeCustom(ref WasmReader r, int sectionStart)
        {
            string name = r.ReadName();
            int contentOffset = r.Offset;
            var content = module.Bytes.Slice(contentOffset, r.Remaining);
            r.ReadBytes(r.Remaining);
            if (name == "name" && module.Names is null)
            {
                module.Names = NameSectionDecoder.TryDecode(content, contentOffset);
                if (module.Names is not null) return;
            }
            module.CustomSections.Add(new CustomSection(name, content, sectionStart));
        }

        private void DecodeTypes(ref WasmReader r)
        {
            uint count = r.ReadCount(3);
            for (uint i = 0; i < count; i++)
            {
                int start = r.Offset;
                byte form = r.ReadByte();
                if (form != 0x60)
                {
                    if (form is 0x4E or 0x50 or 0x4F or 0x5F or 0x5E) throw new WasmUnsupportedFeatureException("gc", $"type {i} at byte 0x{start:x}");
                    WasmReader.Fail("malformed functype", start, $"form 0x{form:x2}");
                }
                var parameters = ReadValTypes(ref r);
                var results = ReadValTypes(ref r);
                module.Types.Add(FuncType.Adopt(parameters, results));
            }
        }

        private ValType[] ReadValTypes(ref WasmReader r)
        {
            uint n = r.ReadCount();
            if (n == 0) return [];
            var types = new ValType[n];
            for (int i = 0; i < types.Length; i++) types[i] = ReadValType(ref r);
            return types;
        }

        private ValType ReadValType(ref WasmReader r)
        {
            int start = r.Offset;
            var t = r.ReadValType();
            if (t.IsRef && t != ValType.FuncRef && t != ValType.ExternRef && (features & WasmFeatures.FunctionReferences) == 0)
            {
                throw new WasmUnsupportedFeatureException("function-references", $"value type {t} at byte 0x{start:x}");
            }
            return t;
        }

        private void DecodeImports(ref WasmReader r)
        {
            uint count = r.ReadCount(4);
            for (uint i = 0; i < count; i++)
            {
                string moduleName = r.ReadName();
                string name = r.ReadName();
                int kindOffset = r.Offset;
                byte kind = r.ReadByte();
                Import import = kind switch
                {
                    0 => new Import(moduleName, name, ExternKind.Func) { FunctionType = r.ReadTypeIndex() },
                    1 => new Import(moduleName, name, ExternKind.Table) { Table = ReadTableType(ref r) },
                    2 => new Import(moduleName, name, ExternKind.Memory) { Memory = ReadMemoryType(ref r) },
                    3 => new Import(moduleName, name, ExternKind.Global) { Global = ReadGlobalType(ref r) },
                    4 when (features & WasmFeatures.Exceptions) != 0 => new Import(moduleName, name, ExternKind.Tag) { FunctionType = ReadTagType(ref r).Type },
                    _ => throw new WasmFormatException("malformed import kind", kindOffset, $"kind 0x{kind:x2}"),
                };
                module.Imports.Add(import);
            }
        }

        private void DecodeFunctions(ref WasmReader r)
        {
            var functions = new TypeIndex[r.ReadCount()];
            for (int i = 0; i < functions.Length; i++) functions[i] = r.ReadTypeIndex();
            module.Functions = functions;
        }

        private void DecodeTables(ref WasmReader r)
        {
            var tables = new TableType[r.ReadCount(2)];
            for (int i = 0; i < tables.Length; i++)
            {
                if (r.PeekByte() == 0x40) throw new WasmUnsupportedFeatureException("function-references", $"table with initializer at byte 0x{r.Offset:x}");
                tables[i] = ReadTableType(ref r);
            }
            module.Tables = tables;
        }

        private void DecodeMemories(ref WasmReader r)
        {
            var memories = new MemoryType[r.ReadCount(2)];
            for (int i = 0; i < memories.Length; i++) memories[i] = ReadMemoryType(ref r);
            module.Memories = memories;
        }

        private void DecodeTags(ref WasmReader r)
        {
            var tags = new TagType[r.ReadCount(2)];
            for (int i = 0; i < tags.Length; i++) tags[i] = ReadTagType(ref r);
            module.Tags = tags;
        }

        private static TagType ReadTagType(ref WasmReader r)
        {
            int start = r.Offset;
            if (r.ReadByte() != 0) WasmReader.Fail("malformed tag attribute", start);
            return new TagType(r.ReadTypeIndex());
        }

        private void DecodeGlobals(ref WasmReader r)
        {
            uint count = r.ReadCount(3);
            for (uint i = 0; i < count; i++)
            {
                var type = ReadGlobalType(ref r);
                module.Globals.Add(new GlobalDefinition(type, ReadConstExpr(ref r)));
            }
        }

        private void DecodeExports(ref WasmReader r)
        {
            uint count = r.ReadCount(3);
            for (uint i = 0; i < count; i++)
            {
                string name = r.ReadName();
                int kindOffset = r.Offset;
                byte kind = r.ReadByte();
                if (kind > 4 || kind == 4 && (features & WasmFeatures.Exceptions) == 0) WasmReader.Fail("malformed export kind", kindOffset, $"kind 0x{kind:x2}");
                module.Exports.Add(Export.Of(name, (ExternKind)kind, r.ReadU32()));
            }
        }

        private void DecodeElements(ref WasmReader r)
        {
            uint count = r.ReadCount(2);
            for (uint i = 0; i < count; i++)
            {
                int start = r.Offset;
                uint flags = r.ReadU32();
                if (flags > 7) WasmReader.Fail("malformed elements segment kind", start, $"flags {flags}");
                // Bit 0: passive or declarative (else active); bit 1: explicit table index (active)
                // or declarative (not active); bit 2: items are expressions rather than indices.
                bool notActive = (flags & 1) != 0;
                bool bit1 = (flags & 2) != 0;
                bool expressions = (flags & 4) != 0;
                var mode = notActive ? (bit1 ? SegmentMode.Declarative : SegmentMode.Passive) : SegmentMode.Active;
                TableIndex table = default;
                ConstExpr offset = default;
                if (mode == SegmentMode.Active)
                {
                    if (bit1) table = r.ReadTableIndex();
                    offset = ReadConstExpr(ref r);
                }
                ValType elementType = ValType.FuncRef;
                if (notActive || bit1)
                {
                    if (expressions)
                    {
                        elementType = r.ReadRefType();
                    }
                    else
                    {
                        int kindOffset = r.Offset;
                        if (r.ReadByte() != 0x00) WasmReader.Fail("malformed element kind", kindOffset);
                    }
                }
                var segment = new ElementSegment(mode, elementType) { Table = table, Offset = offset };
                uint n = r.ReadCount();
                if (expressions)
                {
                    var items = new ConstExpr[n];
                    for (int k = 0; k < items.Length; k++) items[k] = ReadConstExpr(ref r);
                    segment = segment with { Expressions = ReadOnlyValues.Adopt(items) };
                }
                else
                {
                    var items = new FuncIndex[n];
                    for (int k = 0; k < items.Length; k++) items[k] = r.ReadFuncIndex();
                    segment = segment with { Functions = ReadOnlyValues.Adopt(items) };
                }
                module.Elements.Add(segment);
            }
        }

        private void DecodeCode(ref WasmReader r)
        {
            uint count = r.ReadCount(2);
            if (count != (uint)module.Functions.Length) WasmReader.Fail("function and code section have inconsistent lengths", r.Offset);
            module.Bodies.Capacity = (int)count;
            for (uint i = 0; i < count; i++)
            {
                uint size = r.ReadU32();
                if (size > (uint)r.Remaining) WasmReader.Fail("length out of bounds", r.Offset, $"body size {size}");
                var body = r.Slice((int)size);
                uint groups = body.ReadCount(2);
                var locals = groups == 0 ? [] : new LocalDecl[groups];
                ulong total = 0;
                for (int g = 0; g < locals.Length; g++)
                {
                    int declOffset = body.Offset;
                    uint n = body.ReadU32();
                    total += n;
                    if (total > MaxLocals) WasmReader.Fail("too many locals", declOffset);
                    locals[g] = new LocalDecl(n, ReadValType(ref body));
                }
                int codeOffset = body.Offset;
                int codeLength = body.Remaining;
                if (codeLength == 0) body.Fail("unexpected end of section or function");
                if (module.Bytes.Span[codeOffset + codeLength - 1] != 0x0B) WasmReader.Fail("END opcode expected", codeOffset + codeLength - 1);
                body.ReadBytes(codeLength);
                module.Bodies.Add(new FunctionBody(ReadOnlyValues.Adopt(locals), module.Bytes.Slice(codeOffset, codeLength), codeOffset, (int)size));
            }
        }

        private void DecodeData(ref WasmReader r)
        {
            uint count = r.ReadCount(2);
            for (uint i = 0; i < count; i++)
            {
                int start = r.Offset;
                uint flags = r.ReadU32();
                SegmentMode mode;
                MemoryIndex memory = default;
                ConstExpr offset = default;
                switch (flags)
                {
                    case 0: mode = SegmentMode.Active; offset = ReadConstExpr(ref r); break;
                    case 1: mode = SegmentMode.Passive; break;
                    case 2: mode = SegmentMode.Active; memory = r.ReadMemoryIndex(multiMemory: true); offset = ReadConstExpr(ref r); break;
                    default: WasmReader.Fail("malformed data segment kind", start, $"flags {flags}"); return;
                }
                int lengthOffset = r.Offset;
                uint length = r.ReadU32();
                if (length > (uint)r.Remaining) WasmReader.Fail("unexpected end of section or function", lengthOffset, $"data length {length}");
                var bytes = module.Bytes.Slice(r.Offset, (int)length);
                r.ReadBytes((int)length);
                module.Data.Add(new DataSegment(mode, bytes) { Memory = memory, Offset = offset });
            }
        }

        private TableType ReadTableType(ref WasmReader r)
        {
            var elementType = r.ReadRefType();
            return new TableType(elementType, ReadLimits(ref r, isMemory: false));
        }

        private MemoryType ReadMemoryType(ref WasmReader r) => new(ReadLimits(ref r, isMemory: true));

        private GlobalType ReadGlobalType(ref WasmReader r)
        {
            var type = ReadValType(ref r);
            int mutOffset = r.Offset;
            byte mutability = r.ReadByte();
            if (mutability > 1) WasmReader.Fail("malformed mutability", mutOffset, $"0x{mutability:x2}");
            return new GlobalType(type, mutability == 1);
        }

        private Limits ReadLimits(ref WasmReader r, bool isMemory)
        {
            // The flags are one byte (not a LEB128): a set continuation bit is "too long".
            int start = r.Offset;
            byte flags = r.ReadByte();
            if ((flags & 0x80) != 0) WasmReader.Fail("integer representation too long", start, $"limits flags 0x{flags:x2}");
            bool hasMax = (flags & 1) != 0;
            bool shared = (flags & 2) != 0;
            bool is64 = (flags & 4) != 0;
            bool threads = (features & WasmFeatures.Threads) != 0;
            if (flags > 7 || shared && (!isMemory || !threads) || is64 && !_memory64) WasmReader.Fail("integer too large", start, $"limits flags 0x{flags:x}");
            if (shared) throw new WasmUnsupportedFeatureException("threads", $"shared memory at byte 0x{start:x}");
            // From memory64 on (3.0), limits are read as u64 for every address type and the
            // validator checks the range; in 2.0 a value above u32 is malformed.
            bool wide = is64 || _memory64;
            ulong min = wide ? r.ReadU64() : r.ReadU32();
            ulong? max = hasMax ? (wide ? r.ReadU64() : r.ReadU32()) : null;
            return new Limits(min, max, is64, shared);
        }

        /// <summary>Reads a constant expression up to and including its <c>end</c>. Instructions are
        /// only framed here (their immediates skipped); the validator checks what they are.</summary>
        private ConstExpr ReadConstExpr(ref WasmReader r)
        {
            int start = r.Offset;
            int startPosition = r.Position;
            while (true)
            {
                int opOffset = r.Offset;
                var opcode = r.ReadOpcode();
                if (opcode == Opcode.End) break;
                var info = OpcodeTable.Lookup(opcode) ?? throw new WasmFormatException("illegal opcode", opOffset, $"0x{(int)opcode:x}");
                if (info.Immediate is ImmediateKind.BlockType or ImmediateKind.TryTable)
                {
                    // Block instructions are never constant; reject here so nesting never has to be tracked.
                    throw new WasmValidationException("constant expression required", opOffset, detail: info.Name);
                }
                r.SkipImmediates(info, features | (_multiMemory ? WasmFeatures.MultiMemory : 0));
            }
            return new ConstExpr(module.Bytes.Slice(start, r.Position - startPosition), start);
        }
    }
}
