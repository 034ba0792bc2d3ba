using Tessera.Wasm.Binary;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary><see cref="Module.Validate"/> (no compilation) and <see cref="Module.FromDefinition"/>
/// (a module decoded once, then compiled).</summary>
public class ModuleEntryPointTests
{
    private static readonly Engine s_engine = new();

    // (module (func (export "f") (result i32) i32.const 42)), assembled by hand from the binary format.
    private static readonly byte[] s_answer =
    [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
        0x03, 0x02, 0x01, 0x00,
        0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
        0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b,
    ];

    [Fact]
    public void Validate_returns_the_definition_of_a_valid_module()
    {
        var definition = Module.Validate(s_engine, s_answer);
        Assert.Single(definition.Exports);
        Assert.Equal("f", definition.Exports[0].Name);
    }

    [Fact]
    public void Validate_refuses_what_FromBytes_refuses()
    {
        // The body's i32.const 42 made i64.const 42: the function returns the wrong type.
        var invalid = (byte[])s_answer.Clone();
        invalid[^3] = 0x42;
        var e = Assert.Throws<WasmValidationException>(() => Module.Validate(s_engine, invalid));
        Assert.Equal("type mismatch", e.Rule);
        Assert.Throws<WasmValidationException>(() => Module.FromBytes(s_engine, invalid));
        Assert.Throws<WasmFormatException>(() => Module.Validate(s_engine, s_answer.AsMemory(0, 10)));
    }

    [Fact]
    public void FromDefinition_compiles_a_decoded_module()
    {
        var definition = ModuleDecoder.Decode(s_answer, s_engine.Features);
        var module = Module.FromDefinition(s_engine, definition);
        Assert.Same(definition, module.Definition);
        Assert.Equal(42, new Linker().Instantiate(new Store(s_engine), module).GetFunc("f")!.Invoke()[0].AsI32());
    }

    [Fact]
    public void FromDefinition_validates_what_it_is_given()
    {
        var invalid = (byte[])s_answer.Clone();
        invalid[^3] = 0x42;
        var definition = ModuleDecoder.Decode(invalid, s_engine.Features);
        Assert.Throws<WasmValidationException>(() => Module.FromDefinition(s_engine, definition));
    }
}
