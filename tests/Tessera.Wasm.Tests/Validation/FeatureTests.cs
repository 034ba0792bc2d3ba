using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;
using static Tessera.Wasm.Tests.Validation.ValidationTestKit;

namespace Tessera.Wasm.Tests.Validation;

/// <summary>Feature gating and the post-2.0 proposals the validator implements: tail calls,
/// multi-memory, memory64 and extended-const.</summary>
public class FeatureTests
{
    [Theory]
    [InlineData("(module (func (return_call 0)))", "tail-call")]
    [InlineData("(module (memory 1) (func (drop (f32x4.relaxed_madd (v128.const i64x2 0 0) (v128.const i64x2 0 0) (v128.const i64x2 0 0)))))", "relaxed-simd")]
    [InlineData("(module (global i32 (i32.add (i32.const 1) (i32.const 2))))", "extended-const")]
    public void DisabledFeatureIsUnsupported(string wat, string feature)
    {
        if (feature == "extended-const")
        {
            // Without the feature, arithmetic in a constant expression is simply not constant.
            Invalid(wat, "constant expression required", null);
            Valid(wat, All);
            return;
        }
        var e = Unsupported(wat, feature);
        Assert.Equal("unsupported feature: " + feature, e.Rule);
    }

    [Fact]
    public void FeaturesCanBeNarrowedBelow2() =>
        Unsupported("(module (func (result i32) (i32.extend8_s (i32.const 1))))", "sign-extension", WasmFeatures.Mvp);

    [Fact]
    public void BlockTypeIndexNeedsMultiValue() =>
        Unsupported("(module (type $t (func (param i32))) (func (i32.const 0) (block (type $t) (drop))))", "multi-value", WasmFeatures.Wasm2 & ~WasmFeatures.MultiValue);

    [Fact]
    public void EnabledButUnimplementedProposalIsUnsupported() =>
        // Exceptions are decoded but not typed yet: throw is refused even with the feature on.
        Unsupported("(module (tag $e) (func (throw $e)))", "exceptions", WasmFeatures.Wasm2 | WasmFeatures.Exceptions);

    [Fact]
    public void TailCalls()
    {
        const string callee = "(func $g (param i32) (result i64) (i64.const 0))";
        Valid($"(module {callee} (func (result i64) (return_call $g (i32.const 1))))", All);
        Valid($"(module {callee} (type $t (func (param i32) (result i64))) (table 1 funcref) (func (result i64) (return_call_indirect (type $t) (i32.const 1) (i32.const 0))))", All);
        Invalid($"(module {callee} (func (result i32) (return_call $g (i32.const 1))))", "type mismatch", 1, at: (byte)Opcode.ReturnCall, features: All);
        Invalid($"(module {callee} (func (result i64) (return_call $g (i64.const 1))))", "type mismatch", 1, at: (byte)Opcode.ReturnCall, features: All);
        Invalid("(module (func (result i64) (return_call 5)))", "unknown function", 0, features: All);
    }

    [Fact]
    public void TailCallMakesTheRestUnreachable() =>
        Valid("(module (func $g (result i32) (i32.const 0)) (func (result i32) (return_call $g) (i32.add)))", All);

    [Fact]
    public void MultiMemory()
    {
        const string memories = "(memory $a 1) (memory $b 1)";
        Valid($"(module {memories} (func (i32.store $b (i32.const 0) (i32.load $a (i32.const 4))) (memory.copy $a $b (i32.const 0) (i32.const 0) (i32.const 1))))", All);
        Invalid($"(module {memories} (func (drop (i32.load 2 (i32.const 0)))))", "unknown memory", 0, features: All);
        Invalid($"(module {memories} (func (drop (memory.size 2))))", "unknown memory", 0, features: All);
    }

    [Fact]
    public void Memory64UsesI64Addresses()
    {
        Valid("(module (memory i64 1) (data (i64.const 0) \"x\") (func (result i64) (i64.store (i64.const 0) (i64.load offset=8 (i64.const 8))) (memory.grow (memory.size))))", All);
        Invalid("(module (memory i64 1) (func (drop (i32.load (i32.const 0)))))", "type mismatch", 0, at: (byte)Opcode.I32Load, features: All);
        Invalid("(module (memory i64 1) (data (i32.const 0) \"x\"))", "type mismatch", null, features: All);
        Invalid("(module (memory i64 1) (func (result i32) (memory.size)))", "type mismatch", 0, features: All);
    }

    [Fact]
    public void Memory64BulkCopyBetweenAddressTypesUsesTheSmallerLength() =>
        Valid("(module (memory $a i64 1) (memory $b 1) (func (memory.copy $a $b (i64.const 0) (i32.const 0) (i32.const 0))))", All);

    [Fact]
    public void OffsetOfA32BitMemoryMustFitIn32Bits()
    {
        // i32.const 0; i32.load align=2 offset=2^32; drop. wabt cannot write the offset, so the module is built here.
        byte[] body = [0x41, 0x00, 0x28, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1A, 0x0B];
        InvalidBytes(WithMemory(body, limitsFlag: 0x00), "offset out of range", 0, at: (byte)Opcode.I32Load, features: All);
        body[1] = 0x00;
        body[0] = 0x42; // i64.const 0: the address of a 64-bit memory
        ValidBytes(WithMemory(body, limitsFlag: 0x04), All);
    }

    /// <summary>A module with one memory of one page (limits flag 0x00 for i32, 0x04 for i64) and one [] -&gt; [] function.</summary>
    private static byte[] WithMemory(byte[] body, byte limitsFlag)
    {
        byte[] module = Module(body);
        int codeSection = 8 + 6 + 4;
        Assert.Equal((byte)SectionId.Code, module[codeSection]);
        byte[] memory = [(byte)SectionId.Memory, 3, 1, limitsFlag, 1];
        return [.. module.AsSpan(0, codeSection), .. memory, .. module.AsSpan(codeSection)];
    }

    [Fact]
    public void Memory64Limit()
    {
        Valid("(module (memory i64 0x1_0000_0000))", All);
        Invalid("(module (memory i64 0x1_0000_0000_0001))", "memory size must be at most 2^48 pages", null, features: All);
    }

    [Fact]
    public void ExtendedConstArithmetic()
    {
        Valid("(module (import \"m\" \"g\" (global i64)) (global i64 (i64.mul (global.get 0) (i64.sub (i64.const 4) (i64.const 1)))))", All);
        Invalid("(module (global i64 (i64.add (i32.const 1) (i64.const 1))))", "type mismatch", null, features: All);
        Invalid("(module (global i32 (i32.add (i32.const 1))))", "type mismatch", null, features: All);
    }
}
