using Tessera.Wasm.Text;

namespace Tessera.Wasm.Tests.Text;

/// <summary>
/// Representative modules, one per area of the text format, assembled by us and by wabt's
/// <c>wat2wasm --enable-all</c>; the binaries must be identical apart from the name section (wabt
/// writes none by default).
/// </summary>
public class WatCorpusTests
{
    public static TheoryData<string, string> Corpus() => new()
    {
        { "empty", "(module)" },
        {
            "all fields",
            """
            (module $m
              (type $t (func (param i32) (result i32)))
              (import "env" "f" (func $imp (type $t)))
              (import "env" "tab" (table $itab 1 10 funcref))
              (import "env" "mem" (memory $imem 1 2))
              (import "env" "g" (global $ig (mut i64)))
              (func $f (type $t) (local.get 0))
              (table $tab 2 funcref)
              (memory $mem2 0)
              (global $g i32 (i32.const 7))
              (global $gm (mut f32) (f32.const -1.5))
              (export "f" (func $f))
              (export "tab" (table $tab))
              (export "g" (global $g))
              (start $s)
              (func $s)
              (elem (table $tab) (i32.const 0) func $f $s)
              (data (memory $imem) (i32.const 8) "hello" "\00\ff")
            )
            """
        },
        {
            "inline abbreviations",
            """
            (module
              (func $i (import "m" "f") (param i32))
              (global (import "m" "g") i32)
              (table $t (import "m" "t") 1 funcref)
              (memory (import "m" "mem") 1)
              (func (export "a") (export "b") (param $x i32) (result i32) (local.get $x))
              (table $t2 (export "t2") funcref (elem $i 1))
              (memory (export "m2") (data "abc" "def"))
              (global (export "g2") (mut i32) (i32.const 0))
            )
            """
        },
        {
            "element segments in every form",
            """
            (module
              (table $a 4 funcref)
              (table $b 4 externref)
              (func $f) (func $g)
              (elem (i32.const 0) $f $g)
              (elem (offset (i32.const 1)) func $f)
              (elem (table $a) (i32.const 2) funcref (ref.func $f) (ref.null func))
              (elem (table $b) (i32.const 0) externref (ref.null extern))
              (elem $p func $f $g)
              (elem funcref (item ref.func $g) (item (ref.null func)))
              (elem declare func $f)
              (elem declare funcref (ref.func $g))
              (func (table.init $a $p (i32.const 0) (i32.const 0) (i32.const 1)) (elem.drop $p))
            )
            """
        },
        {
            "data segments in every form",
            """
            (module
              (memory $m 1)
              (data (i32.const 0) "a")
              (data (offset (i32.const 1)) "b")
              (data (memory $m) (i32.const 2) "c")
              (data $p "passive")
              (func (memory.init $p (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop $p))
            )
            """
        },
        {
            "implicit types in order of appearance",
            """
            (module
              (func $a (block (param i32) (drop)) (block (result i32 i64) (i32.const 0) (i64.const 0)) (drop) (drop))
              (func $b (param f32))
              (type $late (func (param f32)))
              (func $c (call_indirect (param i64) (i64.const 0) (i32.const 0)))
              (table 1 funcref)
            )
            """
        },
        {
            "labels, shadowing and branches",
            """
            (module
              (func (param i32) (result i32)
                (block $out (result i32)
                  (block $l
                    (block $l
                      (br_if $l (local.get 0))
                      (br_table $l $out 0 (i32.const 1) (local.get 0)))
                    (br $out (i32.const 2)))
                  (loop $loop (br_if $loop (i32.const 0)))
                  (if $i (result i32) (local.get 0) (then (br $i (i32.const 3))) (else (i32.const 4)))))
              (func
                block $a
                  loop $b
                    i32.const 0
                    if $c
                      br $a
                    else $c
                      br $b
                    end $c
                  end $b
                end $a
                block (result i32) i32.const 1 end drop)
            )
            """
        },
        {
            "calls and tail calls",
            """
            (module
              (type $v (func))
              (type $ii (func (param i32) (result i32)))
              (table $t0 1 funcref)
              (table $t1 1 funcref)
              (func $f (type $ii) (call $f (local.get 0)))
              (func (call_indirect (type $v) (i32.const 0)))
              (func (call_indirect $t1 (type $ii) (param i32) (result i32) (i32.const 0) (i32.const 0)) (drop))
              (func (param i32) (result i32) (return_call $f (local.get 0)))
              (func (return_call_indirect $t1 (type $v) (i32.const 0)))
            )
            """
        },
        {
            "numeric instructions and constants",
            """
            (module
              (func (result i32) (i32.add (i32.const -1) (i32.const 0xffff_ffff)))
              (func (result i64) (i64.mul (i64.const -9223372036854775808) (i64.const 18446744073709551615)))
              (func (result f32) (f32.add (f32.const 0x1.fffffep127) (f32.const -nan:0x1)))
              (func (result f64) (f64.div (f64.const 1e308) (f64.const -inf)))
              (func (result f32) (f32.const 1.000000059604644775390625000000000001))
              (func (result i32) (i32.trunc_sat_f64_u (f64.const nan)))
              (func (result i64) (i64.extend32_s (i64.const 0x8000_0000)))
            )
            """
        },
        {
            "memory instructions",
            """
            (module
              (memory 1)
              (func (param i32) (result i64)
                (i32.store offset=4 align=2 (local.get 0) (i32.load8_u offset=0xffff_ffff (local.get 0)))
                (i64.store16 align=1 (local.get 0) (i64.const 1))
                (drop (memory.grow (memory.size)))
                (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
                (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))
                (i64.load32_s align=4 (local.get 0)))
            )
            """
        },
        {
            "reference and table instructions",
            """
            (module
              (table $t 1 funcref)
              (table $e 1 externref)
              (func $f (param externref) (result i32)
                (table.set $e (i32.const 0) (local.get 0))
                (drop (table.get $t (i32.const 0)))
                (drop (table.grow $t (ref.func $f) (i32.const 1)))
                (table.fill $e (i32.const 0) (ref.null extern) (i32.const 1))
                (table.copy $t $t (i32.const 0) (i32.const 0) (i32.const 0))
                (table.copy (i32.const 0) (i32.const 0) (i32.const 0))
                (drop (table.size $e))
                (ref.is_null (local.get 0)))
              (elem declare func $f)
            )
            """
        },
        {
            "select",
            """
            (module
              (func (result i32) (select (i32.const 1) (i32.const 2) (i32.const 0)))
              (func (result externref) (select (result externref) (ref.null extern) (ref.null extern) (i32.const 0)))
              (func (result i64) i64.const 1 i64.const 2 i32.const 0 select (result i64))
            )
            """
        },
        {
            "vector instructions",
            """
            (module
              (memory 1)
              (func (result v128)
                (drop (v128.const i8x16 -128 255 0 1 2 3 4 5 6 7 8 9 10 11 12 13))
                (drop (v128.const i16x8 -32768 65535 0 1 2 3 4 5))
                (drop (v128.const i32x4 -1 0xffff_ffff 0 1))
                (drop (v128.const i64x2 -1 0x7fff_ffff_ffff_ffff))
                (drop (v128.const f32x4 -0 inf nan:0x200000 0x1p-149))
                (drop (v128.const f64x2 1.5 -nan))
                (drop (i8x16.extract_lane_s 15 (v128.const i32x4 0 0 0 0)))
                (drop (f64x2.replace_lane 1 (v128.const i32x4 0 0 0 0) (f64.const 1)))
                (drop (v128.load8_lane offset=1 3 (i32.const 0) (v128.const i32x4 0 0 0 0)))
                (v128.store64_lane align=8 1 (i32.const 0) (v128.const i32x4 0 0 0 0))
                (drop (v128.load32_splat (i32.const 0)))
                (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (v128.load (i32.const 0)) (v128.const i64x2 0 0)))
            )
            """
        },
        {
            "multiple memories and 64-bit memories",
            """
            (module
              (memory $a 1)
              (memory $b i64 1 2)
              (table $t 1 funcref)
              (data (memory $b) (i64.const 0) "x")
              (func (result i64)
                (i64.store $b offset=0xffff_ffff (i64.const 0) (i64.const 1))
                (memory.copy $a $b (i32.const 0) (i64.const 0) (i32.const 0))
                (memory.init $b 0 (i64.const 0) (i32.const 0) (i32.const 0))
                (drop (memory.size $a))
                (drop (table.size $t))
                (i64.load $b (i64.const 0)))
            )
            """
        },
        {
            "extended constant expressions",
            """
            (module
              (global $a i32 (i32.const 1))
              (global i32 (i32.add (global.get $a) (i32.mul (i32.const 2) (i32.const 3))))
              (global i64 (i64.sub (i64.const 1) (i64.const 2)))
            )
            """
        },
        {
            "unicode names",
            """
            (module
              (import "\e2\82\ac" "\u{10FFFF}" (global i32))
              (func $f (export "héllo \u{1F600}") (call $f))
            )
            """
        },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void AssemblesLikeWat2Wasm(string name, string wat)
    {
        var expected = Wabt.Wat2Wasm(wat, check: false);
        var ours = WasmSections.WithoutNameSection(WatAssembler.AssembleText(wat, name));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(ours));
    }
}
