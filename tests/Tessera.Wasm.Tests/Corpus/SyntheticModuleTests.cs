using Tessera.Wasm.Binary;

namespace Tessera.Wasm.Tests.Corpus;

public class SyntheticModuleTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void GeneratedModuleIsValidForWabt(int seed)
    {
        var wasm = SyntheticModule.Generate(64 * 1024, seed);
        Assert.True(wasm.Length >= 64 * 1024);
        Assert.Null(Wabt.Validate(wasm));
        var module = ModuleDecoder.Decode(wasm);
        Assert.Equal(module.Functions.Count, module.Bodies.Count);
        Assert.True(module.Functions.Count > 10);
    }
}

public class WabtOracleTests
{
    [Fact]
    public void WasmValidateRejectsAnInvalidModule()
    {
        // (module (func (result i32) i32.add)): i32.add with an empty stack.
        byte[] wasm = [0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7F, 3, 2, 1, 0, 10, 5, 1, 3, 0, 0x6A, 0x0B];
        Assert.NotNull(Wabt.Validate(wasm));
        Assert.Single(ModuleDecoder.Decode(wasm).Bodies);
    }
}
