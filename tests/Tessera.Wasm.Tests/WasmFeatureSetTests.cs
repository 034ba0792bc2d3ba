namespace Tessera.Wasm.Tests;

public class WasmFeatureSetTests
{
    [Fact]
    public void LevelsAreTheNamedFeatureSets()
    {
        Assert.Equal(WasmFeatures.Wasm2, WasmFeatureSet.Parse("2.0"));
        Assert.Equal(WasmFeatures.Wasm3, WasmFeatureSet.Parse("3.0"));
    }

    [Fact]
    public void ProposalsAddAndNoPrefixRemoves()
    {
        Assert.Equal(WasmFeatures.Wasm2 | WasmFeatures.TailCall | WasmFeatures.MultiMemory, WasmFeatureSet.Parse("2.0,tail-call,multi-memory"));
        Assert.Equal(WasmFeatures.Wasm3 & ~WasmFeatures.Gc, WasmFeatureSet.Parse("3.0, no-gc"));
    }

    [Theory]
    [InlineData("1.0", "unknown feature level '1.0'")]
    [InlineData("2.0,tailcall", "unknown feature 'tailcall'")]
    [InlineData("", "unknown feature level ''")]
    public void UnknownPartsAreNamed(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => WasmFeatureSet.Parse(text));
        Assert.StartsWith(message, error.Message);
    }
}
