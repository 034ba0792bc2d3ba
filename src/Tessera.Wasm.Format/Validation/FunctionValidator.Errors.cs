using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Validation;

// The error paths of the function validator. Every message is built here, from raw values passed
// by the caller, and every helper is kept out of line: string formatting at a call site would give
// the hot methods large stack frames that the JIT zeroes on every call.

internal sealed partial class FunctionValidator
{
    /// <summary>Throws a validation error at the current instruction.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void Fail(string rule, string? detail = null) => throw new WasmValidationException(rule, _offset, _funcIndex, detail);

    /// <summary>Throws a format error found inside the body (see <see cref="ModuleValidator"/>'s remarks).</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void FailFormat(string rule, string detail) => throw new WasmFormatException(rule, _offset, $"function {_funcIndex}: {detail}");

    /// <summary>"unknown ..." for an index beyond its space.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void FailUnknown(string rule, string what, ulong index, ulong count) =>
        Fail(rule, $"{what} {index}, the module has {count}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void FailMismatch(ValTypeKind expected, ValType actual) =>
        Fail("type mismatch", $"expected {Name(expected)}, found {Name(actual)}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void FailMismatch(ValType expected, ValType actual) =>
        Fail("type mismatch", $"expected {expected}, found {Name(actual)}");

    /// <summary>An operand is missing; <paramref name="expected"/> is kind 0 when any type would do.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void FailUnderflow(ValType expected) =>
        Fail("type mismatch", $"expected {(expected.Kind == 0 ? "a value" : expected.ToString())}, found an empty stack");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void FailUnderflow(ValTypeKind expected) =>
        Fail("type mismatch", $"expected {Name(expected)}, found an empty stack");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void FailExtraValues(int count, FrameKind kind) =>
        Fail("type mismatch", $"{count} extra value(s) on the stack at the end of the {kind.ToString().ToLowerInvariant()}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void FailStackLimit() =>
        Fail("operand stack too deep", $"implementation limit: more than {MaxOperandStack} values on the operand stack");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void FailLane(string instruction, int lanes) => Fail("invalid lane index", $"{instruction} has {lanes} lanes");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void FailAlignment(ref readonly OpEntry e, uint alignLog2) =>
        Fail("alignment must not be larger than natural", $"{e.Info!.Name} has alignment 2^{alignLog2}, natural is 2^{e.NaturalAlignmentLog2}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void FailOffset(ulong offset) => Fail("offset out of range", $"offset {offset} on a 32-bit memory");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void FailUnknownLabel(uint depth) => Fail("unknown label", $"label {depth}, {_fp} enclosing block(s)");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void FailUnknownLocal(uint index) => Fail("unknown local", $"local {index}, the function has {_localCount}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void FailTypes(string what, ReadOnlySpan<ValType> actual, ReadOnlySpan<ValType> expected) =>
        Fail("type mismatch", $"{what}: [{string.Join(' ', actual.ToArray())}] does not match [{string.Join(' ', expected.ToArray())}]");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void Unsupported(WasmFeatures feature, string what) =>
        throw new WasmUnsupportedFeatureException(Features.Name(feature), $"{what} in function {_funcIndex} at byte 0x{_offset:x}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void ValTypeFailure(ValTypeProblem problem, ValType type, string what)
    {
        if (problem == ValTypeProblem.UnknownType) Fail("unknown type", $"{what} of type {type}, the module has {_ctx.TypeCount} types");
        Unsupported(Features.ForProblem(problem), $"{what} of type {type}");
    }

    /// <summary>An opcode that does not exist (malformed), or whose feature is disabled.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void IllegalOrDisabled(byte first, ref readonly OpEntry e)
    {
        if (e.Handler == OpHandler.Illegal)
        {
            if (first == 0xFB) Unsupported(WasmFeatures.Gc, "a gc instruction");
            if (first == 0xFE) Unsupported(WasmFeatures.Threads, "an atomic instruction");
            FailFormat("illegal opcode", $"0x{first:x2}");
        }
        Unsupported(e.Feature, e.Info!.Name);
    }

    private static string Name(ValTypeKind kind) => kind.ToString().ToLowerInvariant();

    private static string Name(ValType type) => type.Kind == 0 ? "an unknown type" : type.ToString();
}
