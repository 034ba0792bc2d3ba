using System.Globalization;
using System.Text;
using Tessera.Wasm.Text;

namespace Tessera.Security.Tests.Differential;

/// <summary>
/// Random valid modules for what binaryen's -ttf reaches rarely or not at all: loads and stores
/// at addresses and offsets around the end of memory (every width, vectors included), memory.grow
/// followed by accesses past the old end, bulk memory (fill, copy, init, data.drop) near the
/// bounds, SIMD integer lanes (shuffles, narrowing, saturating, dot products), tail calls direct
/// and through a table, and call_indirect to null, out-of-range and wrongly typed entries.
/// Expressions are typed trees, so every module is valid by construction; there are no loops
/// and no recursion, so every call ends. Float values may be NaN only where they are observed as
/// results (compared without payload) or converted with saturation; a float never reaches memory
/// or a reinterpretation, where its NaN payload would be visible. Text goes through Tessera's
/// assembler; both engines then run the same bytes.
/// </summary>
internal sealed class ModuleGenerator
{
    private readonly Random _random;
    private readonly StringBuilder _text = new();
    // Inside a helper: its parameters (i32 0, i64 1) may be read.
    private bool _inHelper;
    // Helpers a body may call: only lower-numbered ones, so calls cannot recurse.
    private int _callableHelpers;

    private ModuleGenerator(int seed, int index) => _random = new Random(unchecked(seed * 1_000_003 + index));

    public static string GenerateText(int seed, int index) => new ModuleGenerator(seed, index).Module();

    public static byte[] Generate(int seed, int index) => WatAssembler.AssembleText(GenerateText(seed, index));

    private static readonly string[] ExportTypes = ["i32", "i64", "f64", "v128", "i32", "v128"];

    private string Module()
    {
        var t = _text;
        t.Append("(module\n");
        t.Append("  (type $ii (func (param i32 i64) (result i32)))\n");
        t.Append("  (type $i (func (param i32) (result i32)))\n");
        t.Append($"  (memory (export \"mem\") 1 {(_random.Next(2) == 0 ? 1 : 3)})\n");
        t.Append($"  (global $g0 (export \"g0\") (mut i32) (i32.const {Int32Constant()}))\n");
        t.Append($"  (global $g1 (export \"g1\") (mut i64) (i64.const {Int64Constant()}))\n");
        t.Append("  (table 5 funcref)\n");
        // Slot 3 holds a function of another type; slot 4 stays null.
        t.Append("  (elem (i32.const 0) $h0 $h1 $h2 $k)\n");
        t.Append($"  (data $d \"{Bytes(_random.Next(1, 40))}\")\n");
        t.Append($"  (data (i32.const {_random.Next(0, 65536 - 40)}) \"{Bytes(_random.Next(1, 40))}\")\n");
        for (int h = 0; h < 3; h++)
        {
            _inHelper = true;
            _callableHelpers = h;
            t.Append($"  (func $h{h} (type $ii) ");
            if (h > 0 && _random.Next(3) == 0)
            {
                // A tail call down the chain, direct or through the table.
                t.Append(_random.Next(2) == 0
                    ? $"(return_call $h{_random.Next(h)} {I32(2)} {I64(2)})"
                    : $"(return_call_indirect (type $ii) {I32(2)} {I64(2)} (i32.const {_random.Next(0, h)}))");
            }
            else
            {
                t.Append(I32(3));
            }
            t.Append(")\n");
        }
        t.Append("  (func $k (type $i) (i32.add (local.get 0) (i32.const 1)))\n");
        _inHelper = false;
        _callableHelpers = 3;
        int exports = _random.Next(1, 5);
        for (int e = 0; e < exports; e++)
        {
            string type = ExportTypes[_random.Next(ExportTypes.Length)];
            t.Append($"  (func (export \"f{e}\") (result {type}) ");
            int statements = _random.Next(0, 4);
            for (int s = 0; s < statements; s++) t.Append(Statement(3)).Append(' ');
            t.Append(Expression(type, 4)).Append(")\n");
        }
        if (_random.Next(3) == 0)
            t.Append($"  (func (export \"tail\") (result i32) (return_call_indirect (type $ii) {I32(2)} {I64(2)} (i32.const {_random.Next(0, 6)})))\n");
        t.Append(')');
        return t.ToString();
    }

    private string Expression(string type, int depth) => type switch
    {
        "i32" => I32(depth),
        "i64" => I64(depth),
        "f64" => F64(depth),
        _ => V128(depth),
    };

    private string Bytes(int count)
    {
        var s = new StringBuilder();
        for (int i = 0; i < count; i++) s.Append('\\').Append(_random.Next(256).ToString("x2", CultureInfo.InvariantCulture));
        return s.ToString();
    }

    private T Pick<T>(params T[] items) => items[_random.Next(items.Length)];

    private string Int32Constant() => Pick(0, 1, -1, 7, int.MinValue, int.MaxValue, 65535, 65536, _random.Next(int.MinValue, int.MaxValue), _random.Next(-300, 300)).ToString(CultureInfo.InvariantCulture);

    private string Int64Constant() => Pick(0L, 1L, -1L, long.MinValue, long.MaxValue, 0x1_0000_0000L, _random.NextInt64(), _random.NextInt64(-300, 300)).ToString(CultureInfo.InvariantCulture);

    /// <summary>An address near something interesting: the start, the end of the first page, the
    /// end of the third, or anywhere, to be combined with an offset that may push it past.</summary>
    private string Address(int depth) => _random.Next(6) switch
    {
        0 => $"(i32.const {_random.Next(0, 64)})",
        1 => $"(i32.const {65536 - _random.Next(0, 24)})",
        2 => $"(i32.const {3 * 65536 - _random.Next(0, 24)})",
        3 => $"(i32.and {I32(depth - 1)} (i32.const 0xffff))",
        4 => $"(i32.const {Int32Constant()})",
        _ => I32(depth - 1),
    };

    private string Offset() => Pick("", "", "offset=1", "offset=7", "offset=15", "offset=65535", "offset=65536", "offset=4294967295");

    private string Statement(int depth) => _random.Next(9) switch
    {
        0 => $"(i32.store{Pick("", "8", "16")} {Offset()} {Address(depth)} {I32(depth - 1)})",
        1 => $"(i64.store{Pick("", "8", "16", "32")} {Offset()} {Address(depth)} {I64(depth - 1)})",
        2 => $"(v128.store {Offset()} {Address(depth)} {V128(depth - 1)})",
        3 => $"(v128.store{Pick("8", "16", "32", "64")}_lane {Offset()} {_random.Next(2)} {Address(depth)} {V128(depth - 1)})",
        4 => $"(memory.fill {Address(depth)} {I32(depth - 1)} {Length()})",
        5 => $"(memory.copy {Address(depth)} {Address(depth)} {Length()})",
        6 => _random.Next(4) == 0 ? "(data.drop $d)" : $"(memory.init $d {Address(depth)} (i32.const {_random.Next(0, 8)}) (i32.const {_random.Next(0, 40)}))",
        7 => _random.Next(2) == 0 ? $"(global.set $g0 {I32(depth - 1)})" : $"(global.set $g1 {I64(depth - 1)})",
        _ => $"(drop (memory.grow (i32.const {_random.Next(0, 3)})))",
    };

    private string Length() => Pick("(i32.const 0)", "(i32.const 1)", "(i32.const 16)", $"(i32.const {_random.Next(0, 70000)})", "(i32.const -1)");

    private string I32(int depth)
    {
        if (depth <= 0) return _inHelper && _random.Next(2) == 0 ? "(local.get 0)" : $"(i32.const {Int32Constant()})";
        return _random.Next(16) switch
        {
            0 => $"(i32.const {Int32Constant()})",
            1 or 2 => $"(i32.{Pick("add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr", "eq", "ne", "lt_s", "lt_u", "gt_s", "ge_u")} {I32(depth - 1)} {I32(depth - 1)})",
            3 => $"(i32.{Pick("clz", "ctz", "popcnt", "eqz", "extend8_s", "extend16_s")} {I32(depth - 1)})",
            4 => $"(i32.load{Pick("", "8_s", "8_u", "16_s", "16_u")} {Offset()} {Address(depth)})",
            5 => Pick("(memory.size)", $"(memory.grow (i32.const {_random.Next(0, 3)}))", "(global.get $g0)"),
            6 => $"(i32.wrap_i64 {I64(depth - 1)})",
            7 => $"(i32.trunc_{Pick("sat_", "")}f64_{Pick("s", "u")} {F64(depth - 1)})",
            8 when _callableHelpers > 0 => $"(call $h{_random.Next(_callableHelpers)} {I32(depth - 1)} {I64(depth - 1)})",
            9 when !_inHelper => $"(call_indirect (type $ii) {I32(depth - 1)} {I64(depth - 1)} (i32.const {_random.Next(0, 6)}))",
            10 => $"({Pick("i8x16.extract_lane_s", "i8x16.extract_lane_u", "i16x8.extract_lane_s", "i32x4.extract_lane")} {_random.Next(4)} {V128(depth - 1)})",
            11 => $"({Pick("v128.any_true", "i8x16.all_true", "i8x16.bitmask", "i32x4.bitmask", "i64x2.all_true")} {V128(depth - 1)})",
            12 => $"(select {I32(depth - 1)} {I32(depth - 1)} {I32(depth - 1)})",
            13 => $"(block (result i32) {Statement(depth - 1)} {I32(depth - 1)})",
            14 => $"(if (result i32) {I32(depth - 1)} (then {I32(depth - 1)}) (else {I32(depth - 1)}))",
            _ => $"(i32.{Pick("eq", "lt_s", "ge_u")} {I32(depth - 1)} {I32(depth - 1)})",
        };
    }

    private string I64(int depth)
    {
        if (depth <= 0) return _inHelper && _random.Next(2) == 0 ? "(local.get 1)" : $"(i64.const {Int64Constant()})";
        return _random.Next(9) switch
        {
            0 => $"(i64.const {Int64Constant()})",
            1 or 2 => $"(i64.{Pick("add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr")} {I64(depth - 1)} {I64(depth - 1)})",
            3 => $"(i64.{Pick("clz", "ctz", "popcnt", "extend8_s", "extend32_s")} {I64(depth - 1)})",
            4 => $"(i64.load{Pick("", "8_u", "16_s", "32_s", "32_u")} {Offset()} {Address(depth)})",
            5 => $"(i64.extend_i32_{Pick("s", "u")} {I32(depth - 1)})",
            6 => $"(i64.trunc_{Pick("sat_", "")}f64_{Pick("s", "u")} {F64(depth - 1)})",
            7 => $"(i64x2.extract_lane {_random.Next(2)} {V128(depth - 1)})",
            // Bits of memory, never of an arithmetic result, so no NaN payload shows.
            _ => $"(i64.reinterpret_f64 (f64.load {Offset()} {Address(depth)}))",
        };
    }

    private string F64(int depth)
    {
        if (depth <= 0) return $"(f64.const {Pick("0", "-0", "1.5", "-2.75", "inf", "-inf", "nan", "4294967296", "-9.3e18", "1e300")})";
        return _random.Next(6) switch
        {
            0 => $"(f64.{Pick("add", "sub", "mul", "div", "min", "max", "copysign")} {F64(depth - 1)} {F64(depth - 1)})",
            1 => $"(f64.{Pick("sqrt", "neg", "abs", "ceil", "floor", "trunc", "nearest")} {F64(depth - 1)})",
            2 => _random.Next(2) == 0 ? $"(f64.convert_i32_{Pick("s", "u")} {I32(depth - 1)})" : $"(f64.convert_i64_{Pick("s", "u")} {I64(depth - 1)})",
            3 => $"(f64.load {Offset()} {Address(depth)})",
            4 => $"(f64x2.extract_lane {_random.Next(2)} (f64x2.convert_low_i32x4_s {V128(depth - 1)}))",
            _ => $"(f64.const {Pick("0", "-0", "1.5", "nan", "inf", "0x1p-1074")})",
        };
    }

    private string V128(int depth)
    {
        if (depth <= 0) return $"(v128.const i32x4 {Int32Constant()} {Int32Constant()} {Int32Constant()} {Int32Constant()})";
        return _random.Next(12) switch
        {
            0 => $"(v128.const i8x16 {string.Join(' ', Enumerable.Range(0, 16).Select(_ => _random.Next(-128, 128).ToString(CultureInfo.InvariantCulture)))})",
            1 => $"({Pick("i8x16.add", "i8x16.sub", "i8x16.add_sat_s", "i8x16.sub_sat_u", "i8x16.min_s", "i8x16.max_u", "i8x16.avgr_u", "i16x8.mul", "i16x8.q15mulr_sat_s", "i32x4.add", "i32x4.mul", "i32x4.dot_i16x8_s", "i64x2.add", "i64x2.mul", "i8x16.eq", "i16x8.lt_s", "i32x4.gt_u", "i64x2.ge_s", "i8x16.swizzle", "i8x16.narrow_i16x8_s", "i16x8.narrow_i32x4_u", "i16x8.extmul_low_i8x16_s", "v128.and", "v128.or", "v128.xor", "v128.andnot")} {V128(depth - 1)} {V128(depth - 1)})",
            2 => $"({Pick("v128.not", "i8x16.abs", "i8x16.neg", "i8x16.popcnt", "i16x8.extend_low_i8x16_s", "i32x4.extend_high_i16x8_u", "i64x2.extend_low_i32x4_s", "i16x8.extadd_pairwise_i8x16_u", "i64x2.abs")} {V128(depth - 1)})",
            3 => $"({Pick("i8x16.shl", "i16x8.shr_s", "i32x4.shr_u", "i64x2.shl")} {V128(depth - 1)} {I32(depth - 1)})",
            4 => $"(v128.bitselect {V128(depth - 1)} {V128(depth - 1)} {V128(depth - 1)})",
            5 => $"(i8x16.shuffle {string.Join(' ', Enumerable.Range(0, 16).Select(_ => _random.Next(32).ToString(CultureInfo.InvariantCulture)))} {V128(depth - 1)} {V128(depth - 1)})",
            6 => $"({Pick("i8x16.splat", "i16x8.splat", "i32x4.splat")} {I32(depth - 1)})",
            7 => $"(i64x2.splat {I64(depth - 1)})",
            8 => $"({Pick("v128.load", "v128.load8x8_s", "v128.load16x4_u", "v128.load32x2_s", "v128.load8_splat", "v128.load64_splat", "v128.load32_zero", "v128.load64_zero")} {Offset()} {Address(depth)})",
            9 => $"({Pick("v128.load8_lane", "v128.load32_lane", "v128.load64_lane")} {Offset()} {_random.Next(2)} {Address(depth)} {V128(depth - 1)})",
            // Floats inside, integers out: saturating truncation maps NaN to 0, so no payload shows.
            10 => $"(i32x4.trunc_sat_f32x4_{Pick("s", "u")} ({Pick("f32x4.mul", "f32x4.add", "f32x4.div", "f32x4.min", "f32x4.pmax")} (f32x4.convert_i32x4_s {V128(depth - 1)}) (f32x4.convert_i32x4_u {V128(depth - 1)})))",
            _ => $"(i32x4.replace_lane {_random.Next(4)} {V128(depth - 1)} {I32(depth - 1)})",
        };
    }
}
