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
                ExternKind.Func => $"func[{func++}] type={import.FunctionType} {Describe(module.Types, import.FunctionType)}",
                ExternKind.Table => $"table[{table++}] {import.Table}",
                ExternKind.Memory => $"memory[{memory++}] pages {import.Memory}",
                ExternKind.Global => $"global[{global++}] {import.Global}",
                _ => $"tag[{tag++}] type={import.FunctionType}",
            };
            o.WriteLine($"  {what} <- {import.Module}.{import.Name}");
        }

        Section(o, "Functions", module.Functions.Count);
        for (int i = 0; i < module.Functions.Count; i++)
        {
            var index = new FuncIndex((uint)(module.ImportedFunctionCount + i));
            var body = i < module.Bodies.Count ? module.Bodies[i] : null;
            string label = module.FunctionName(index) is { } n ? $" <{n}>" : "";
            string size = body is null ? "" : $" size={body.BodySize} locals={body.LocalCount}";
            o.WriteLine($"  func[{index}]{label} type={module.Functions[i]} {Describe(module.Types, module.Functions[i])}{size}");
        }

        Section(o, "Tables", module.Tables.Count);
        for (int i = 0; i < module.Tables.Count; i++) o.WriteLine($"  table[{module.ImportedTableCount + i}] {module.Tables[i]}");
        Section(o, "Memories", module.Memories.Count);
        for (int i = 0; i < module.Memories.Count; i++) o.WriteLine($"  memory[{module.ImportedMemoryCount + i}] pages {module.Memories[i]}");
        Section(o, "Globals", module.Globals.Count);
        for (int i = 0; i < module.Globals.Count; i++) o.WriteLine($"  global[{module.ImportedGlobalCount + i}] {module.Globals[i].Type}");

        Section(o, "Exports", module.Exports.Count);
        foreach (var export in module.Exports) o.WriteLine($"  {export.Kind.ToString().ToLowerInvariant()}[{export.Index}] -> \"{export.Name}\"");
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

    private static string Describe(List<FuncType> types, TypeIndex index) =>
        index.Value < (uint)types.Count ? types[(int)index.Value].ToString() : "(unknown type)";

    private static string Preview(ReadOnlySpan<byte> bytes)
    {
        var shown = bytes[..Math.Min(bytes.Length, 16)];
        var text = new char[shown.Length];
        for (int i = 0; i < shown.Length; i++) text[i] = shown[i] is >= 0x20 and < 0x7F ? (char)shown[i] : '.';
        return $"\"{new string(text)}\"{(bytes.Length > shown.Length ? "..." : "")}";
    }
}
