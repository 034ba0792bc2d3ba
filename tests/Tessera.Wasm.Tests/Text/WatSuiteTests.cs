using System.Text;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Text;

namespace Tessera.Wasm.Tests.Text;

/// <summary>
/// Assembles every text and quoted module of the spec suite's top-level scripts: modules that the
/// suite expects to be malformed must fail with its message, all others must assemble, and the
/// bytes must equal wabt's (wast2json) apart from the name section and the deviations listed below.
/// </summary>
public class WatSuiteTests
{
    /// <summary>Modules whose encoding deliberately differs from wabt's, by "file:line" of the command.</summary>
    private static readonly Dictionary<string, string> KnownDeviations = new()
    {
        // data.drop / memory.init without data segments: we write a data count section of 0, so the
        // validator reports the unknown segment the test expects; wabt leaves the section out.
        ["wasm-2.0/memory_init.wast:189"] = "data count 0",
        ["wasm-2.0/memory_init.wast:226"] = "data count 0",
        ["wasm-3.0/memory_init.wast:189"] = "data count 0",
        ["wasm-3.0/memory_init.wast:265"] = "data count 0",
        ["wasm-3.0/memory_init64.wast:189"] = "data count 0",
        ["wasm-3.0/memory_init64.wast:265"] = "data count 0",
        // (select (result)) is a typed select with no type (0x1C 0x00), which the validator rejects
        // with "invalid result arity" as the test expects; wabt writes an untyped select.
        ["wasm-2.0/select.wast:323"] = "typed select without types",
        // (ref $t): wabt 1.0.32 still writes the pre-standard encoding 0x6B; 3.0 has 0x64.
        ["wasm-3.0/func.wast:659"] = "non-null reference encoding",
    };

    /// <summary>Features the assembler may report as unsupported in the 3.0 suite.</summary>
    private static readonly HashSet<string> Unencoded = ["gc", "legacy-exceptions"];

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var version in new[] { "wasm-2.0", "wasm-3.0" })
        {
            foreach (var file in TestPaths.WastFiles(TestPaths.TestSuite(version), recursive: false))
                data.Add(Path.GetRelativePath(Path.Combine(TestPaths.Shared, "testsuite"), file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void ModulesAssembleAsTheSuiteAndWabtExpect(string relative)
    {
        var path = Path.Combine(TestPaths.Shared, "testsuite", relative);
        var version = relative.StartsWith("wasm-3.0", StringComparison.Ordinal) ? WatVersion.Wasm3 : WatVersion.Wasm2;
        var commands = WastScript.Parse(File.ReadAllText(path, Encoding.UTF8), relative);
        var wabt = Wabt.TryWast2Json(path);
        // wabt 1.0.32 reads every 2.0 script; some 3.0 scripts use syntax it predates.
        if (version == WatVersion.Wasm2) Assert.NotNull(wabt);
        if (wabt is not null) Assert.Equal(commands.Count, wabt.Count);
        var problems = new List<string>();
        for (var i = 0; i < commands.Count; i++)
        {
            var (module, expectMalformed) = commands[i] switch
            {
                WastModuleCommand m => (m.Module, false),
                WastAssertModuleCommand a => (a.Module, a.Kind == WastCommandKind.AssertMalformed),
                _ => (null, false),
            };
            if (module is null || module.Form == WastModuleForm.Binary) continue;
            var where = $"{relative.Replace('\\', '/')}:{commands[i].Position.Line}";
            byte[] ours;
            try
            {
                ours = module.ToBinary(version);
            }
            catch (WatSyntaxException e)
            {
                var expected = expectMalformed ? ((WastAssertModuleCommand)commands[i]).Message : null;
                if (expected is null || !e.Rule.StartsWith(expected, StringComparison.Ordinal))
                    problems.Add($"{where}: {e.Message}" + (expected is null ? "" : $" (expected \"{expected}\")"));
                continue;
            }
            catch (WasmUnsupportedFeatureException e) when (version == WatVersion.Wasm3)
            {
                // A malformed module may be reported as unsupported only when it is written in GC
                // syntax, which the assembler does not read far enough to find the error.
                if (!Unencoded.Contains(e.Feature) || (expectMalformed && e.Feature != "gc")) problems.Add($"{where}: {e.Message}");
                continue;
            }
            if (expectMalformed)
            {
                problems.Add($"{where}: assembled, but the suite expects \"{((WastAssertModuleCommand)commands[i]).Message}\"");
                continue;
            }
            if (wabt?[i].Wasm is not { } theirs || KnownDeviations.ContainsKey(where)) continue;
            if (!WasmSections.WithoutNameSection(ours).AsSpan().SequenceEqual(theirs))
                problems.Add($"{where}: bytes differ from wabt: ours {Convert.ToHexString(WasmSections.WithoutNameSection(ours))}, wabt {Convert.ToHexString(theirs)}");
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems.Take(20)));
    }

    [Fact]
    public void KnownDeviationsStillDiffer()
    {
        // Each listed module must still assemble and still differ from wabt, so the list cannot go stale.
        foreach (var group in KnownDeviations.Keys.GroupBy(k => k[..k.LastIndexOf(':')]))
        {
            var path = Path.Combine(TestPaths.Shared, "testsuite", group.Key);
            var version = group.Key.StartsWith("wasm-3.0", StringComparison.Ordinal) ? WatVersion.Wasm3 : WatVersion.Wasm2;
            var commands = WastScript.Parse(File.ReadAllText(path), group.Key);
            var wabt = Wabt.TryWast2Json(path);
            Assert.NotNull(wabt);
            foreach (var where in group)
            {
                var line = int.Parse(where[(where.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                var i = commands.ToList().FindIndex(c => c.Position.Line == line);
                Assert.True(i >= 0, $"no command at {where}");
                var module = commands[i] switch { WastModuleCommand m => m.Module, WastAssertModuleCommand a => a.Module, _ => null };
                var ours = WasmSections.WithoutNameSection(module!.ToBinary(version));
                Assert.False(ours.AsSpan().SequenceEqual(wabt[i].Wasm!), $"{where} now matches wabt; remove it from the list");
            }
        }
    }

    [Fact]
    public void Wasm2ModulesDecodeWithTheBinaryDecoder()
    {
        // Text and binary meet in one model: every module the 2.0 suite defines decodes.
        var count = 0;
        foreach (var file in TestPaths.WastFiles(TestPaths.TestSuite("wasm-2.0"), recursive: false))
        {
            foreach (var command in WastScript.Parse(File.ReadAllText(file), file))
            {
                if (command is not WastModuleCommand { Module.Form: not WastModuleForm.Binary } m) continue;
                var definition = ModuleDecoder.Decode(m.Module.ToBinary(), WasmFeatures.Wasm2);
                Assert.NotNull(definition);
                count++;
            }
        }
        Assert.True(count > 1000, $"only {count} modules");
    }
}
