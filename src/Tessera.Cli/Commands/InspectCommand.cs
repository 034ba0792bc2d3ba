using System.CommandLine;
using System.Security.Cryptography;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera inspect FILE</c>: a readable summary of a module, in the spirit of <c>wasm-objdump -x</c>.</summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter stdout)
    {
        var file = new Argument<string>("FILE") { Description = "A module, binary (.wasm) or text (.wat), told apart by content" };
        var command = new Command("inspect", "Summarize a module's sections (decoded, not validated)") { file };
        command.SetAction(result =>
        {
            UnknownOptions.Refuse(result);
            return Run(result.GetValue(file)!, stdout);
        });
        return command;
    }

    public static int Run(string path, TextWriter stdout)
    {
        var loaded = ModuleFile.Load(path);
        Print(loaded.Name, loaded.Bytes, ModuleDecoder.Decode(loaded.Bytes, ModuleFile.Features), stdout);
        return 0;
    }

    public static void Print(string name, byte[] bytes, ModuleDefinition module, TextWriter o)
    {
        o.WriteLine($"module {name}: {bytes.Length} bytes, sha256 {Convert.ToHexStringLower(SHA256.HashData(bytes))}");
        if (module.Names?.ModuleName is { } moduleName) o.WriteLine($"name: {moduleName}");

        Section(o, "Types", module.Types.Count);
        for (int i = 0; i < module.Types.Count; i++) o.WriteLine($"  type[{i}] {module.Types[i]}");

        Section(o, "Imports", module.Imports.Count);
        int func = 0, table = 0, memory = 0, global = 0, tag = 0;
        foreach (var import in module.Imports)
        {
            string what = import.Kind switch
            {
                ExternKind.Func => $"func[{func++}] type={import.FunctionType} {Describe(module, import.FunctionType)}",
                ExternKind.Table => $"table[{table++}] {import.Table}",
                ExternKind.Memory => $"memory[{memory++}] pages {import.Memory}",
                ExternKind.Global => $"global[{global++}] {import.Global}",
                _ => $"tag[{tag++}] type={import.FunctionType}",
            };
            o.WriteLine($"  {what} <- {import.Module}.{import.Name}");
        }

        Section(o, "Functions", module.Functions.Count);
        for (uint i = 0; i < module.Functions.Count; i++)
        {
            var defined = new DefinedFuncIndex(i);
            var index = module.ToIndex(defined);
            var type = module.FunctionTypeIndex(defined);
            var body = module.Body(defined);
            string label = module.FunctionName(index) is { } n ? $" <{n}>" : "";
            o.WriteLine($"  func[{index}]{label} type={type} {Describe(module, type)} size={body.BodySize} locals={body.LocalCount}");
        }

        Section(o, "Tables", module.Tables.Count);
        for (uint i = 0; i < module.Tables.Count; i++)
        {
            var index = module.ToIndex(new DefinedTableIndex(i));
            o.WriteLine($"  table[{index}] {module.TableType(index)}");
        }
        Section(o, "Memories", module.Memories.Count);
        for (uint i = 0; i < module.Memories.Count; i++)
        {
            var index = module.ToIndex(new DefinedMemoryIndex(i));
            o.WriteLine($"  memory[{index}] pages {module.MemoryType(index)}");
        }
        Section(o, "Globals", module.Globals.Count);
        for (uint i = 0; i < module.Globals.Count; i++)
        {
            var index = module.ToIndex(new DefinedGlobalIndex(i));
            o.WriteLine($"  global[{index}] {module.GlobalType(index)}");
        }

        Section(o, "Exports", module.Exports.Count);
        foreach (var export in module.Exports) o.WriteLine($"  {export.Kind.ToString().ToLowerInvariant()}[{IndexOf(export)}] -> \"{export.Name}\"");
        if (module.Start is { } start) o.WriteLine($"Start: func[{start}]");

        Section(o, "Elements", module.Elements.Count);
        for (int i = 0; i < module.Elements.Count; i++)
        {
            var e = module.Elements[i];
            string where = e.Mode == SegmentMode.Active ? $" table[{e.Table}]" : "";
            o.WriteLine($"  elem[{i}] {e.Mode.ToString().ToLowerInvariant()}{where} {e.ElementType} count={e.Count}");
        }

        Section(o, "Data", module.Data.Count);
        for (int i = 0; i < module.Data.Count; i++)
        {
            var d = module.Data[i];
            string where = d.Mode == SegmentMode.Active ? $" memory[{d.Memory}]" : "";
            o.WriteLine($"  data[{i}] {d.Mode.ToString().ToLowerInvariant()}{where} size={d.Bytes.Length} {Preview(d.Bytes.Span)}");
        }

        Section(o, "Custom sections", module.CustomSections.Count + (module.Names is null ? 0 : 1));
        if (module.Names is not null) o.WriteLine($"  \"name\" ({module.Names.FunctionNames.Count} function names)");
        foreach (var custom in module.CustomSections) o.WriteLine($"  \"{custom.Name}\" size={custom.Content.Length}");
    }

    private static void Section(TextWriter o, string title, int count)
    {
        if (count > 0) o.WriteLine($"{title}[{count}]:");
    }

    /// <summary>The type, or a note when the index is outside the type section: inspect shows
    /// modules that were decoded but not validated.</summary>
    private static string Describe(ModuleDefinition module, TypeIndex index) =>
        index.Value < (uint)module.Types.Count ? module.Type(index).ToString() : "(unknown type)";

    private static string IndexOf(Export export) => export switch
    {
        FuncExport f => f.Index.ToString(),
        TableExport t => t.Index.ToString(),
        MemoryExport m => m.Index.ToString(),
        GlobalExport g => g.Index.ToString(),
        TagExport t => t.Index.ToString(),
        _ => "?",
    };

    private static string Preview(ReadOnlySpan<byte> bytes)
    {
        var shown = bytes[..Math.Min(bytes.Length, 16)];
        var text = new char[shown.Length];
        for (int i = 0; i < shown.Length; i++) text[i] = shown[i] is >= 0x20 and < 0x7F ? (char)shown[i] : '.';
        return $"\"{new string(text)}\"{(bytes.Length > shown.Length ? "..." : "")}";
    }
}
