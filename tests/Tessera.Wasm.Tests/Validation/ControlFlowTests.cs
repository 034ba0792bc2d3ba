using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;
using static Tessera.Wasm.Tests.Validation.ValidationTestKit;

namespace Tessera.Wasm.Tests.Validation;

/// <summary>Blocks, branches and the polymorphic stack of unreachable code.</summary>
public class ControlFlowTests
{
    [Theory]
    [InlineData("(func (result i32) (unreachable))")]
    [InlineData("(func (unreachable) (drop (i32.add)))")]
    [InlineData("(func (result i64) (unreachable) (i64.add))")]
    [InlineData("(func (result f32) (return (f32.const 1)) (i32.const 0) (drop))")]
    [InlineData("(func (block (br 0) (drop) (drop)))")]
    [InlineData("(func (result i32) (block (result i32) (unreachable)))")]
    [InlineData("(func (unreachable) (select) (drop))")]
    [InlineData("(func (result i32) (unreachable) (select (i32.const 1) (i32.const 2)))")]
    [InlineData("(func (unreachable) (br_if 0) (drop))")]
    [InlineData("(func (result i32) (loop (result i32) (br 1 (i32.const 0))))")]
    public void UnreachableCodeIsTypedWithAPolymorphicStack(string func) => Valid($"(module {func})");

    [Theory]
    [InlineData("(func (unreachable) (i64.const 0) (i32.add) (drop))", (byte)Opcode.I32Add)]
    [InlineData("(func (result i32) (unreachable) (f32.const 0))", (byte)Opcode.End)]
    [InlineData("(func (unreachable) (i32.const 0) (i32.const 0))", (byte)Opcode.End)]
    [InlineData("(func (unreachable) (ref.null func) (i32.const 0) (select) (drop))", (byte)Opcode.Select)]
    [InlineData("(func (unreachable) (i32.const 0) (i64.const 0) (i32.const 0) (select) (drop))", (byte)Opcode.Select)]
    public void UnreachableCodeStillChecksKnownTypes(string func, byte at) => Invalid($"(module {func})", "type mismatch", 0, at);

    [Fact]
    public void UnreachabilityEndsWithTheBlock() =>
        // After the block ends, its result is a real i32 again, so adding an i64 fails.
        Invalid("(module (func (result i64) (i64.add (block (result i32) (unreachable)) (i64.const 1))))", "type mismatch", 0, at: (byte)Opcode.I64Add);

    [Fact]
    public void BrToABlockChecksItsResults()
    {
        Valid("(module (func (result i32) (block (result i32) (br 0 (i32.const 1)))))");
        Invalid("(module (func (result i32) (block (result i32) (br 0 (i64.const 1)))))", "type mismatch", 0, at: (byte)Opcode.Br);
    }

    [Fact]
    public void BrToALoopTakesItsParameters() => Valid("""
        (module (type $t (func (param i32) (result i64)))
          (func (result i64) (i32.const 3) (loop (type $t) (br_if 0 (i32.const 1)) (drop) (i64.const 0))))
        """);

    [Fact]
    public void UnknownLabel() => Invalid("(module (func (block (br 2))))", "unknown label", 0, at: (byte)Opcode.Br);

    [Fact]
    public void BrIfKeepsTheLabelTypesOnTheStack()
    {
        Valid("(module (func (result i32) (block (result i32) (br_if 0 (i32.const 1) (i32.const 0)))))");
        Invalid("(module (func (block (result i32) (br_if 0 (i32.const 1)))))", "type mismatch", 0, at: (byte)Opcode.BrIf);
    }

    [Fact]
    public void BrTableTargetsMustAgreeInArity()
    {
        Valid("(module (func (result i32) (block (result i32) (block (result i32) (br_table 0 1 1 (i32.const 7) (i32.const 0))))))");
        Invalid("(module (func (block (block (result i32) (br_table 0 1 (i32.const 7) (i32.const 0))) (drop))))", "type mismatch", 0, at: (byte)Opcode.BrTable);
    }

    [Fact]
    public void BrTableChecksEveryTargetsTypes() =>
        Invalid("(module (func (result i32) (block (result i64) (block (result i32) (br_table 0 1 (i32.const 7) (i32.const 0)))) (drop) (i32.const 0)))",
            "type mismatch", 0, at: (byte)Opcode.BrTable);

    [Fact]
    public void BrTableInUnreachableCodeAcceptsTargetsOfDifferentTypes() =>
        // The operand is Unknown, which matches i32 for one target and f32 for the other.
        Valid("(module (func (block (result f32) (drop (block (result i32) (unreachable) (br_table 0 1 0 (i32.const 0)))) (f32.const 0)) (drop)))");

    [Fact]
    public void BrTableNeedsAnI32Index() =>
        Invalid("(module (func (block (br_table 0 (i64.const 0)))))", "type mismatch", 0, at: (byte)Opcode.BrTable);

    [Fact]
    public void BrTableUnknownLabel() => Invalid("(module (func (block (br_table 0 3 (i32.const 0)))))", "unknown label", 0, at: (byte)Opcode.BrTable);

    [Fact]
    public void MultiValueBlocksTakeAndReturnSeveralValues() => Valid("""
        (module
          (type $pair (func (param i32 i64) (result i64 i32)))
          (func $swap (type $pair) (local.get 1) (local.get 0))
          (func (result i64)
            (i32.const 1) (i64.const 2)
            (block (type $pair) (call $swap))
            (drop) (drop)
            (i32.const 1) (i64.const 2)
            (if (type $pair) (i32.const 1)
              (then (call $swap))
              (else (drop) (drop) (i64.const 0) (i32.const 0)))
            (drop)))
        """);

    [Fact]
    public void MultiValueBlockParametersComeFromTheStack() =>
        Invalid("(module (type $t (func (param i32 i32) (result i32))) (func (result i32) (i64.const 1) (i32.const 2) (block (type $t) (i32.add))))",
            "type mismatch", 0, at: (byte)Opcode.Block);

    [Fact]
    public void BlockCannotSeeValuesOutsideIt() =>
        Invalid("(module (func (result i32) (i32.const 1) (block (result i32) (i32.eqz))))", "type mismatch", 0, at: (byte)Opcode.I32Eqz);

    [Fact]
    public void BlockWithUnknownTypeIndex() =>
        // block type 7 in a module with one type.
        InvalidBytes(Module([0x02, 0x07, 0x0B, 0x0B]), "unknown type", 0, at: (byte)Opcode.Block);

    [Fact]
    public void IfWithoutElseMustPassItsParametersThrough()
    {
        Valid("(module (type $t (func (param i32) (result i32))) (func (result i32) (i32.const 1) (if (type $t) (i32.const 0) (then))))");
        Invalid("(module (func (result i32) (if (result i32) (i32.const 0) (then (i32.const 1)))))", "type mismatch", 0, at: (byte)Opcode.End);
    }

    [Fact]
    public void IfBranchesMustBothProduceTheResults()
    {
        Invalid("(module (func (result i32) (if (result i32) (i32.const 0) (then (i32.const 1)) (else (i64.const 1)))))", "type mismatch", 0, at: (byte)Opcode.End);
        Invalid("(module (func (result i32) (if (result i32) (i32.const 0) (then (i64.const 1)) (else (i32.const 1)))))", "type mismatch", 0, at: (byte)Opcode.Else);
    }

    [Fact]
    public void IfNeedsAnI32Condition() =>
        Invalid("(module (func (if (i64.const 0) (then))))", "type mismatch", 0, at: (byte)Opcode.If);

    [Fact]
    public void ReturnChecksTheFunctionResults()
    {
        Valid("(module (func (result i32 i64) (block (return (i32.const 1) (i64.const 2))) (unreachable)))");
        Invalid("(module (func (result i32 i64) (return (i64.const 2) (i32.const 1))))", "type mismatch", 0, at: (byte)Opcode.Return);
    }

    [Fact]
    public void ElseWithoutIfIsMalformed() =>
        MalformedBytes(Module([0x02, 0x40, 0x05, 0x0B, 0x0B]), "END opcode expected");

    [Fact]
    public void SecondElseIsMalformed() =>
        MalformedBytes(Module([0x41, 0x00, 0x04, 0x40, 0x05, 0x05, 0x0B, 0x0B]), "END opcode expected");

    [Fact]
    public void BytesAfterTheFunctionsEndAreMalformed() =>
        MalformedBytes(Module([0x0B, 0x01, 0x0B]), "section size mismatch");

    [Fact]
    public void BodyEndingInsideABlockIsMalformed() =>
        MalformedBytes(Module([0x02, 0x40, 0x0B]), "unexpected end");

    [Fact]
    public void MalformedBodyWinsOverAnEarlierInvalidOne()
    {
        // Function 0 is invalid (i32.add on an empty stack); function 1 has an illegal opcode.
        byte[] wasm = Module([0x6A, 0x1A, 0x0B], [0x27, 0x0B]);
        var e = MalformedBytes(wasm, "illegal opcode");
        Assert.Equal(wasm.Length - 2, e.Offset);
    }

    [Fact]
    public void MalformedImmediateWinsOverAnInvalidInstruction() =>
        // local.get with a 6-byte LEB128 index after an invalid i32.add.
        MalformedBytes(Module([0x6A, 0x20, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0B]), "integer representation too long");

    [Fact]
    public void OperandStackHeightIsLimited()
    {
        // 1,100 calls to a function returning 1,000 values: 5 KB of code asking for 1.1 million stack slots.
        string results = string.Concat(Enumerable.Repeat(" i32", 1000));
        string calls = string.Concat(Enumerable.Repeat(" (call $f)", 1100));
        var e = Invalid($"(module (func $f (result{results}) (unreachable)) (func{calls}))", "operand stack too deep", 1, at: (byte)Opcode.Call);
        Assert.Contains("implementation limit", e.Message);
    }

    [Fact]
    public void DeepNestingIsValid()
    {
        const int depth = 10_000;
        var body = new List<byte>();
        for (int i = 0; i < depth; i++) body.AddRange([0x02, 0x7F]);
        body.AddRange([0x41, 0x01]);
        for (int i = 0; i < depth; i++) body.Add(0x0B);
        body.Add(0x0B);
        ValidBytes(Module([], [ValType.I32], [.. body]));
    }
}
