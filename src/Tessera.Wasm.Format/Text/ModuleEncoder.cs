using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Text;

/// <summary>
/// Writes a <see cref="TextModule"/> as a module binary (spec chapter 5). Sections appear in the
/// binary order, empty ones are left out; function names and local names go to a <c>name</c>
/// custom section at the end.
/// </summary>
/// <remarks>
/// Where the binary format has several encodings, the shortest is chosen, as wabt does: element
/// segments use function indices (flags 0-3) when their type is funcref and every item is
/// <c>ref.func x</c>, and the explicit table index (flags 2 and 6) only when the table is not 0 or
/// the type is not funcref; data segments name their memory (flag 2) only when it is not 0. The data
/// count section is written exactly when some code uses <c>memory.init</c> or <c>data.drop</c>.
/// </remarks>
internal static class ModuleEncoder
{
    public static byte[] Encode(TextModule m) => Encode(m, out _);

    /// <summary>Encodes <paramref name="m"/> and maps the offset of every instruction to its text position.</summary>
    public static byte[] Encode(TextModule m, out SourceMap map)
    {
        var marks = new List<SourceMark>();
        var w = new WasmWriter(1024);
        w.Header();
        var s = new WasmWriter();

        if (m.Types.Count > 0)
        {
            s.U32((uint)m.Types.Count);
            foreach (var t in m.Types)
            {
                s.Byte(0x60);
                ValTypes(s, t.Parameters.AsSpan());
                ValTypes(s, t.Results.AsSpan());
            }
            Flush(w, SectionId.Type, s);
        }
        if (m.Imports.Count > 0)
        {
            s.U32((uint)m.Imports.Count);
            foreach (var i in m.Imports)
            {
                s.Name(i.Module);
                s.Name(i.Name);
                s.Byte((byte)i.Kind);
                switch (i.Kind)
                {
                    case ExternKind.Func: s.U32(i.TypeIndex); break;
                    case ExternKind.Table: TableType(s, i.Table); break;
                    case ExternKind.Memory: Limits(s, i.Memory.Limits); break;
                    case ExternKind.Global: GlobalType(s, i.Global); break;
                    case ExternKind.Tag:
                        s.Byte(0x00);
                        s.U32(i.TypeIndex);
                        break;
                }
            }
            Flush(w, SectionId.Import, s);
        }
        if (m.Functions.Count > 0)
        {
            s.U32((uint)m.Functions.Count);
            foreach (var f in m.Functions) s.U32(f.TypeIndex);
            Flush(w, SectionId.Function, s);
        }
        if (m.Tables.Count > 0)
        {
            s.U32((uint)m.Tables.Count);
            foreach (var t in m.Tables)
            {
                if (t.Init is { } init)
                {
                    // 3.0: a table with an initializer expression.
                    s.Byte(0x40);
                    s.Byte(0x00);
                    TableType(s, t.Type);
                    s.Bytes(init);
                }
                else
                {
                    TableType(s, t.Type);
                }
            }
            Flush(w, SectionId.Table, s);
        }
        if (m.Memories.Count > 0)
        {
            s.U32((uint)m.Memories.Count);
            foreach (var mem in m.Memories) Limits(s, mem.Limits);
            Flush(w, SectionId.Memory, s);
        }
        if (m.Tags.Count > 0)
        {
            s.U32((uint)m.Tags.Count);
            foreach (var t in m.Tags)
            {
                s.Byte(0x00);
                s.U32(t);
            }
            Flush(w, SectionId.Tag, s);
        }
        if (m.Globals.Count > 0)
        {
            s.U32((uint)m.Globals.Count);
            foreach (var g in m.Globals)
            {
                GlobalType(s, g.Type);
                s.Bytes(g.Init);
            }
            Flush(w, SectionId.Global, s);
        }
        if (m.Exports.Count > 0)
        {
            s.U32((uint)m.Exports.Count);
            foreach (var e in m.Exports)
            {
                s.Name(e.Name);
                s.Byte((byte)e.Kind);
                s.U32(e.Index);
            }
            Flush(w, SectionId.Export, s);
        }
        if (m.Start is { } start)
        {
            s.U32(start);
            Flush(w, SectionId.Start, s);
        }
        if (m.Elems.Count > 0)
        {
            s.U32((uint)m.Elems.Count);
            foreach (var e in m.Elems) Elem(s, e);
            Flush(w, SectionId.Element, s);
        }
        if (m.NeedsDataCount)
        {
            s.U32((uint)m.Data.Count);
            Flush(w, SectionId.DataCount, s);
        }
        if (m.Functions.Count > 0)
        {
            s.U32((uint)m.Functions.Count);
            var codeStarts = new int[m.Functions.Count];
            for (int i = 0; i < m.Functions.Count; i++)
            {
                var f = m.Functions[i];
                s.U32((uint)f.Body.Length);
                codeStarts[i] = s.Length + f.CodeStart;
                s.Bytes(f.Body);
            }
            int contentLength = s.Length;
            Flush(w, SectionId.Code, s);
            int contentStart = w.Length - contentLength;
            for (int i = 0; i < m.Functions.Count; i++)
            {
                foreach (var mark in m.Functions[i].Marks) marks.Add(mark with { Offset = contentStart + codeStarts[i] + mark.Offset });
            }
        }
        if (m.Data.Count > 0)
        {
            s.U32((uint)m.Data.Count);
            foreach (var d in m.Data) Data(s, d);
            Flush(w, SectionId.Data, s);
        }
        if (m.Name is not null || m.FunctionNames.Count > 0 || m.LocalNames.Count > 0)
        {
            Names(s, m);
            Flush(w, SectionId.Custom, s);
        }
        map = new SourceMap(marks);
        return w.ToArray();
    }

    private static void Flush(WasmWriter module, SectionId id, WasmWriter section)
    {
        module.Section(id, section);
        section.Clear();
    }

    private static void ValTypes(WasmWriter w, ReadOnlySpan<ValType> types)
    {
        w.U32((uint)types.Length);
        foreach (var t in types) w.ValType(t);
    }

    private static void Limits(WasmWriter w, Limits limits)
    {
        var flags = (limits.Max is null ? 0 : 1) | (limits.Shared ? 2 : 0) | (limits.Is64 ? 4 : 0);
        w.Byte((byte)flags);
        w.U64(limits.Min);
        if (limits.Max is { } max) w.U64(max);
    }

    private static void TableType(WasmWriter w, TableType t)
    {
        w.ValType(t.ElementType);
        Limits(w, t.Limits);
    }

    private static void GlobalType(WasmWriter w, GlobalType g)
    {
        w.ValType(g.Type);
        w.Byte(g.Mutable ? (byte)1 : (byte)0);
    }

    /// <summary>An element segment with the flags of binary format 5.5.12.</summary>
    private static void Elem(WasmWriter w, TextElem e)
    {
        // The index encodings (flags 0-3) imply funcref; a list of functions for a table of another
        // reference type, such as (ref null $t), is written as ref.func expressions of that type.
        var indices = e.Functions is not null && e.Type == ValType.FuncRef;
        var flags = e.Mode switch
        {
            SegmentMode.Passive => 1,
            SegmentMode.Declarative => 3,
            _ when e.Table == 0 && e.Type == ValType.FuncRef => 0,
            _ => 2,
        };
        if (!indices) flags |= 4;
        w.Byte((byte)flags);
        if (flags is 2 or 6) w.U32(e.Table);
        if (e.Mode == SegmentMode.Active) w.Bytes(e.Offset);
        if (flags is 1 or 2 or 3) w.Byte(0x00); // elemkind funcref
        if (flags is 5 or 6 or 7) w.ValType(e.Type);
        if (indices)
        {
            w.U32((uint)e.Functions!.Length);
            foreach (var f in e.Functions) w.U32(f);
        }
        else if (e.Functions is not null)
        {
            w.U32((uint)e.Functions.Length);
            foreach (var f in e.Functions)
            {
                w.Opcode(Opcode.RefFunc);
                w.U32(f);
                w.Opcode(Opcode.End);
            }
        }
        else
        {
            w.U32((uint)e.Expressions!.Length);
            foreach (var x in e.Expressions) w.Bytes(x);
        }
    }

    private static void Data(WasmWriter w, TextData d)
    {
        if (d.Mode == SegmentMode.Passive)
        {
            w.Byte(1);
        }
        else if (d.Memory == 0)
        {
            w.Byte(0);
            w.Bytes(d.Offset);
        }
        else
        {
            w.Byte(2);
            w.U32(d.Memory);
            w.Bytes(d.Offset);
        }
        w.U32((uint)d.Bytes.Length);
        w.Bytes(d.Bytes);
    }

    /// <summary>The <c>name</c> custom section (appendix 7.4.1): module (0), function (1) and local (2) names.</summary>
    private static void Names(WasmWriter w, TextModule m)
    {
        w.Name("name");
        var sub = new WasmWriter();
        if (m.Name is { } name)
        {
            sub.Name(name);
            Subsection(w, 0, sub);
        }
        if (m.FunctionNames.Count > 0)
        {
            NameMap(sub, m.FunctionNames);
            Subsection(w, 1, sub);
        }
        if (m.LocalNames.Count > 0)
        {
            sub.U32((uint)m.LocalNames.Count);
            foreach (var (func, locals) in m.LocalNames)
            {
                sub.U32(func);
                NameMap(sub, locals);
            }
            Subsection(w, 2, sub);
        }
    }

    private static void NameMap(WasmWriter w, SortedDictionary<uint, string> names)
    {
        w.U32((uint)names.Count);
        foreach (var (index, name) in names)
        {
            w.U32(index);
            w.Name(name);
        }
    }

    private static void Subsection(WasmWriter w, byte id, WasmWriter content)
    {
        w.Byte(id);
        w.U32((uint)content.Length);
        w.Bytes(content.WrittenSpan);
        content.Clear();
    }
}
