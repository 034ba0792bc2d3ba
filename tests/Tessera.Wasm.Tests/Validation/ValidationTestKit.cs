using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;
using Tessera.Wasm.Validation;

namespace Tessera.Wasm.Tests.Validation;

/// <summary>
/// Builds modules for validator tests, from text with wabt's <c>wat2wasm</c> (with <c>--no-check</c>,
/// so invalid modules assemble) or from hand-written body bytes, and asserts the validator's verdict.
/// </summary>
internal static class ValidationTestKit
{
    public const WasmFeatures All = WasmFeatures.Wasm2 | WasmFeatures.TailCall | WasmFeatures.MultiMemory | WasmFeatures.Memory64 | WasmFeatures.ExtendedConst;

    /// <summary>Assembles <paramref name="wat"/> without wabt's own validation.</summary>
    public static byte[] Assemble(string wat) => Wabt.Wat2Wasm(wat, check: false);

    public static void Valid(string wat, WasmFeatures features = WasmFeatures.Wasm2) => ValidBytes(Assemble(wat), features);

    public static void ValidBytes(byte[] wasm, WasmFeatures features = WasmFeatures.Wasm2) =>
        ModuleValidator.Validate(ModuleDecoder.Decode(wasm, features), features);

    /// <summary>Asserts that validation fails with <paramref name="rule"/>, in function
    /// <paramref name="function"/> (null: outside any body), at an instruction whose first byte is
    /// <paramref name="at"/> when given.</summary>
    public static WasmValidationException Invalid(string wat, string rule, int? function, byte? at = null, WasmFeatures features = WasmFeatures.Wasm2) =>
        InvalidBytes(Assemble(wat), rule, function, at, features);

    public static WasmValidationException InvalidBytes(byte[] wasm, string rule, int? function, byte? at = null, WasmFeatures features = WasmFeatures.Wasm2)
    {
        var module = ModuleDecoder.Decode(wasm, features);
        var e = Assert.Throws<WasmValidationException>(() => ModuleValidator.Validate(module, features));
        Assert.Equal(rule, e.Rule);
        Assert.Equal(function, (int?)e.FunctionIndex?.Value);
        if (at is { } opcode) Assert.Equal(opcode, wasm[e.Offset]);
        return e;
    }

    public static WasmFormatException MalformedBytes(byte[] wasm, string rule, WasmFeatures features = WasmFeatures.Wasm2)
    {
        var module = ModuleDecoder.Decode(wasm, features);
        var e = Assert.Throws<WasmFormatException>(() => ModuleValidator.Validate(module, features));
        Assert.Equal(rule, e.Rule);
        return e;
    }

    public static WasmUnsupportedFeatureException Unsupported(string wat, string feature, WasmFeatures features = WasmFeatures.Wasm2)
    {
        var module = ModuleDecoder.Decode(Assemble(wat), features);
        var e = Assert.Throws<WasmUnsupportedFeatureException>(() => ModuleValidator.Validate(module, features));
        Assert.Equal(feature, e.Feature);
        return e;
    }

    /// <summary>A module with one type <c>[params] -&gt; [results]</c> and one function of that
    /// type per body; each body is given as its instruction bytes (locals none, final end included).</summary>
    public static byte[] Module(ValType[] parameters, ValType[] results, params byte[][] bodies)
    {
        var module = new WasmWriter();
        module.Header();
        var types = new WasmWriter();
        types.U32(1);
        types.Byte(0x60);
        types.U32((uint)parameters.Length);
        foreach (var p in parameters) types.ValType(p);
        types.U32((uint)results.Length);
        foreach (var r in results) types.ValType(r);
        module.Section(SectionId.Type, types);
        var functions = new WasmWriter();
        functions.U32((uint)bodies.Length);
        foreach (var _ in bodies) functions.U32(0);
        module.Section(SectionId.Function, functions);
        var code = new WasmWriter();
        code.U32((uint)bodies.Length);
        foreach (var body in bodies)
        {
            code.U32((uint)body.Length + 1);
            code.U32(0);
            code.Bytes(body);
        }
        module.Section(SectionId.Code, code);
        return module.ToArray();
    }

    /// <summary><see cref="Module(ValType[], ValType[], byte[][])"/> with the type [] -&gt; [].</summary>
    public static byte[] Module(params byte[][] bodies) => Module([], [], bodies);
}
