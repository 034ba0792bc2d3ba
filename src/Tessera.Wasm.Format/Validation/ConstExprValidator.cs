using System.Diagnostics.CodeAnalysis;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Validation;

/// <summary>
/// Validates constant expressions (spec 3.4.x "Constant Expressions"): global initializers,
/// segment offsets and element items. Allowed are <c>t.const</c>, <c>ref.null</c>,
/// <c>ref.func</c>, <c>global.get</c> of an immutable global that is visible, and with
/// extended-const the i32/i64 <c>add</c>, <c>sub</c> and <c>mul</c>. Each <c>ref.func</c> seen here
/// adds its function to C.refs, which makes it referable from function bodies.
/// </summary>
internal sealed class ConstExprValidator(ModuleContext ctx)
{
    private ValType[] _stack = new ValType[4];
    private int _sp;
    private int _offset;

    /// <summary>Checks that <paramref name="expr"/> is constant and produces exactly <paramref name="expected"/>.</summary>
    /// <param name="expr">The expression.</param>
    /// <param name="expected">Its required result type.</param>
    /// <param name="visibleGlobals"><c>global.get</c> may name globals below this index.</param>
    /// <param name="what">What the expression initializes, for error details.</param>
    public void Validate(ConstExpr expr, ValType expected, int visibleGlobals, string what)
    {
        _sp = 0;
        _offset = expr.Offset;
        bool extendedConst = (ctx.Features & WasmFeatures.ExtendedConst) != 0;
        var r = new WasmReader(expr.Code.Span, expr.Offset, "unexpected end");
        while (true)
        {
            _offset = r.Offset;
            var opcode = r.ReadOpcode();
            switch (opcode)
            {
                case Opcode.End:
                    if (_sp != 1 || !Subtyping.Matches(ctx, _stack[0], expected))
                    {
                        Fail("type mismatch", $"{what} must produce [{expected}], produces [{string.Join(' ', _stack.AsSpan(0, _sp).ToArray())}]");
                    }
                    return;
                case Opcode.I32Const:
                    r.ReadS32();
                    Push(ValType.I32);
                    break;
                case Opcode.I64Const:
                    r.ReadS64();
                    Push(ValType.I64);
                    break;
                case Opcode.F32Const:
                    r.ReadBytes(4);
                    Push(ValType.F32);
                    break;
                case Opcode.F64Const:
                    r.ReadBytes(8);
                    Push(ValType.F64);
                    break;
                case Opcode.V128Const:
                    r.ReadBytes(16);
                    RequireFeature(WasmFeatures.Simd, "v128.const");
                    Push(ValType.V128);
                    break;
                case Opcode.RefNull:
                    {
                        var heap = r.ReadHeapType();
                        RequireFeature(WasmFeatures.ReferenceTypes, "ref.null");
                        var type = ValType.Ref(heap, nullable: true);
                        var problem = ctx.CheckHeapType(heap, nullable: true);
                        if (problem == ValTypeProblem.UnknownType) Fail("unknown type", $"ref.null {heap}");
                        if (problem != ValTypeProblem.None) Unsupported(Features.ForProblem(problem), $"ref.null {heap}");
                        Push(type);
                        break;
                    }
                case Opcode.RefFunc:
                    {
                        var index = r.ReadFuncIndex();
                        RequireFeature(WasmFeatures.ReferenceTypes, "ref.func");
                        if (index.Value >= (uint)ctx.FunctionTypes.Length) Fail("unknown function", $"function {index}, the module has {ctx.FunctionTypes.Length}");
                        ctx.DeclareReference(index);
                        Push(ctx.FunctionReferenceType(index));
                        break;
                    }
                case Opcode.GlobalGet:
                    {
                        var index = r.ReadGlobalIndex();
                        if (index.Value >= (uint)visibleGlobals) Fail("unknown global", $"global {index}; a constant expression here sees {visibleGlobals} global(s)");
                        var global = ctx.Globals[index.Value];
                        if (global.Mutable) Fail("constant expression required", $"global.get of mutable global {index}");
                        Push(global.Type);
                        break;
                    }
                case Opcode.I32Add or Opcode.I32Sub or Opcode.I32Mul when extendedConst:
                    Binary(ValType.I32);
                    break;
                case Opcode.I64Add or Opcode.I64Sub or Opcode.I64Mul when extendedConst:
                    Binary(ValType.I64);
                    break;
                default:
                    {
                        var info = OpcodeTable.Lookup(opcode);
                        if (info is null) throw new WasmFormatException("illegal opcode", _offset, $"0x{(int)opcode:x} in {what}");
                        Fail("constant expression required", $"{info.Name} in {what}");
                        break;
                    }
            }
        }
    }

    private void Binary(ValType type)
    {
        Pop(type);
        Pop(type);
        Push(type);
    }

    private void Push(ValType type)
    {
        if (_sp == _stack.Length) Array.Resize(ref _stack, _stack.Length * 2);
        _stack[_sp++] = type;
    }

    private void Pop(ValType expected)
    {
        if (_sp == 0) Fail("type mismatch", $"expected {expected}, found an empty stack");
        var actual = _stack[--_sp];
        if (actual != expected) Fail("type mismatch", $"expected {expected}, found {actual}");
    }

    private void RequireFeature(WasmFeatures feature, string what)
    {
        if ((ctx.Features & feature) == 0) Unsupported(feature, what);
    }

    [DoesNotReturn]
    private void Fail(string rule, string detail) => throw new WasmValidationException(rule, _offset, detail: detail);

    [DoesNotReturn]
    private void Unsupported(WasmFeatures feature, string what) =>
        throw new WasmUnsupportedFeatureException(Features.Name(feature), $"{what} in a constant expression at byte 0x{_offset:x}");
}
