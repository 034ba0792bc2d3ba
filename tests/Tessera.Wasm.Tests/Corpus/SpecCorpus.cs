using Tessera.Wasm.Binary;
using Tessera.Wasm.Text;
using Tessera.Wasm.Validation;

namespace Tessera.Wasm.Tests.Corpus;

/// <summary>Valid modules taken from the WebAssembly 2.0 spec scripts, assembled to binary.</summary>
internal static class SpecCorpus
{
    public static List<byte[]> ValidBinaryModules(int limit)
    {
        var modules = new List<byte[]>();
        foreach (var file in TestPaths.WastFiles(TestPaths.TestSuite("wasm-2.0"), recursive: false))
        {
            foreach (var command in WastScript.Parse(File.ReadAllText(file), file))
            {
                if (command is not WastModuleCommand { Module: var module } || module.Form == WastModuleForm.Quote) continue;
                try
                {
                    var bytes = module.Form == WastModuleForm.Binary ? module.Bytes! : WatAssembler.Assemble(module.Text!, file);
                    ModuleValidator.Validate(ModuleDecoder.Decode(bytes));
                    modules.Add(bytes);
                }
                catch (WasmException)
                {
                    continue;
                }
                if (modules.Count >= limit) return modules;
            }
        }
        return modules;
    }
}
