using Tessera.Wasm.Wast;

namespace Tessera.Wasm.Tests.Compilation;

/// <summary>
/// A NaN operand must give an arithmetic NaN (quiet bit set), but the JIT folds float arithmetic
/// with an identity constant (x * 1, x / 1, x - 0, x + -0) to x, and keeps float constants as
/// doubles, which quiets a signaling NaN lane it extracts. The spec scripts pass v128 NaNs only as
/// arguments; these scripts put the constants where the JIT can see them (v128.const, splat, a
/// local). Expected results follow the spec's rules (nan:arithmetic; exact bits for bitwise ops).
/// </summary>
public class SimdNaNFoldingTests
{
    [Fact]
    public void IdentityConstantsDoNotLetASignalingNaNThroughUnquieted()
    {
        var result = new WastRunner().RunText(""""
        (module
          (func (export "mul1") (param v128) (result v128) (f32x4.mul (local.get 0) (v128.const f32x4 1 1 1 1)))
          (func (export "mul1r") (param v128) (result v128) (f32x4.mul (v128.const f32x4 1 1 1 1) (local.get 0)))
          (func (export "add0") (param v128) (result v128) (f32x4.add (local.get 0) (v128.const f32x4 -0 -0 -0 -0)))
          (func (export "sub0") (param v128) (result v128) (f32x4.sub (local.get 0) (v128.const f32x4 0 0 0 0)))
          (func (export "div1") (param v128) (result v128) (f64x2.div (local.get 0) (v128.const f64x2 1 1)))
          (func (export "mulm1") (param v128) (result v128) (f64x2.mul (local.get 0) (v128.const f64x2 -1 -1)))
          (func (export "cst") (result v128) (f32x4.add (v128.const f32x4 nan:0x200000 1 2 3) (v128.const f32x4 0 0 0 0)))
          (func (export "cmin") (result v128) (f32x4.min (v128.const f32x4 nan:0x200000 1 2 3) (v128.const f32x4 0 0 0 0)))
          (func (export "csqrt") (result v128) (f32x4.sqrt (v128.const f32x4 nan:0x200000 1 2 3)))
          (func (export "cnear") (result v128) (f32x4.nearest (v128.const f32x4 nan:0x200000 1 2 3)))
          (func (export "csplat") (result v128) (f32x4.splat (f32.const nan:0x200000)))
          (func (export "cextract") (result f32) (f32x4.extract_lane 0 (v128.const f32x4 nan:0x200000 1 2 3)))
          (func (export "cdemote") (result v128) (f32x4.demote_f64x2_zero (v128.const f64x2 nan:0x4000000000000 1)))
        )
        (assert_return (invoke "mul1" (v128.const f32x4 nan:0x200000 1 2 3)) (v128.const f32x4 nan:arithmetic 1 2 3))
        (assert_return (invoke "mul1r" (v128.const f32x4 nan:0x200000 1 2 3)) (v128.const f32x4 nan:arithmetic 1 2 3))
        (assert_return (invoke "add0" (v128.const f32x4 nan:0x200000 1 2 3)) (v128.const f32x4 nan:arithmetic 1 2 3))
        (assert_return (invoke "sub0" (v128.const f32x4 nan:0x200000 1 2 3)) (v128.const f32x4 nan:arithmetic 1 2 3))
        (assert_return (invoke "div1" (v128.const f64x2 nan:0x4000000000000 1)) (v128.const f64x2 nan:arithmetic 1))
        (assert_return (invoke "mulm1" (v128.const f64x2 nan:0x4000000000000 1)) (v128.const f64x2 nan:arithmetic -1))
        (assert_return (invoke "cst") (v128.const f32x4 nan:arithmetic 1 2 3))
        (assert_return (invoke "cmin") (v128.const f32x4 nan:arithmetic 0 0 0))
        (assert_return (invoke "csqrt") (v128.const f32x4 nan:arithmetic 1 1.4142135 1.7320508))
        (assert_return (invoke "cnear") (v128.const f32x4 nan:arithmetic 1 2 3))
        (assert_return (invoke "csplat") (v128.const i32x4 0x7fa00000 0x7fa00000 0x7fa00000 0x7fa00000))
        (assert_return (invoke "cextract") (f32.const nan:0x200000))
        (assert_return (invoke "cdemote") (v128.const f32x4 nan:arithmetic 1 0 0))
        """", "fold.wast");
        Assert.Equal(0, result.Failed);
        Assert.Equal(0, result.Skipped);
        Assert.Equal(13, result.Passed);
    }

    [Fact]
    public void ConstantsThroughSplatsLocalsAndLanesKeepNaNRules()
    {
        var result = new WastRunner().RunText(""""
        (module
          (func (export "mulsplat") (param v128) (result v128) (f32x4.mul (local.get 0) (f32x4.splat (f32.const 1))))
          (func (export "mullocal") (param v128) (result v128) (local v128)
            (local.set 1 (v128.const f32x4 1 1 1 1)) (f32x4.mul (local.get 0) (local.get 1)))
          (func (export "minz") (param v128) (result v128) (f32x4.min (local.get 0) (v128.const f32x4 -0 -0 -0 -0)))
          (func (export "maxz") (param v128) (result v128) (f64x2.max (v128.const f64x2 0 0) (local.get 0)))
          (func (export "x64") (result f64) (f64x2.extract_lane 1 (v128.const f64x2 1 nan:0x4000000000000)))
          (func (export "x64s") (result v128) (f64x2.splat (f64.const nan:0x4000000000000)))
          (func (export "repl") (result f32) (f32x4.extract_lane 1 (f32x4.replace_lane 1 (v128.const f32x4 0 0 0 0) (f32.const nan:0x200000))))
          (func (export "ceil") (param v128) (result v128) (f32x4.ceil (local.get 0)))
          (func (export "sqrtc") (result v128) (f64x2.sqrt (v128.const f64x2 nan:0x4000000000000 4)))
          (func (export "negc") (result v128) (f32x4.neg (v128.const f32x4 nan:0x200000 1 2 3)))
          (func (export "pminc") (result v128) (f32x4.pmin (v128.const f32x4 nan:0x200000 1 2 3) (v128.const f32x4 1 1 1 1)))
        )
        (assert_return (invoke "mulsplat" (v128.const f32x4 nan:0x200000 1 2 3)) (v128.const f32x4 nan:arithmetic 1 2 3))
        (assert_return (invoke "mullocal" (v128.const f32x4 nan:0x200000 1 2 3)) (v128.const f32x4 nan:arithmetic 1 2 3))
        (assert_return (invoke "minz" (v128.const f32x4 nan:0x200000 1 -0 0)) (v128.const f32x4 nan:arithmetic -0 -0 -0))
        (assert_return (invoke "maxz" (v128.const f64x2 nan:0x4000000000000 -0)) (v128.const f64x2 nan:arithmetic 0))
        (assert_return (invoke "x64") (f64.const nan:0x4000000000000))
        (assert_return (invoke "x64s") (v128.const i64x2 0x7ff4000000000000 0x7ff4000000000000))
        (assert_return (invoke "repl") (f32.const nan:0x200000))
        (assert_return (invoke "ceil" (v128.const f32x4 nan:0x200000 1.5 -1.5 -0.5)) (v128.const f32x4 nan:arithmetic 2 -1 -0))
        (assert_return (invoke "sqrtc") (v128.const f64x2 nan:arithmetic 2))
        (assert_return (invoke "negc") (v128.const i32x4 0xffa00000 0xbf800000 0xc0000000 0xc0400000))
        (assert_return (invoke "pminc") (v128.const i32x4 0x7fa00000 0x3f800000 0x3f800000 0x3f800000))
        """", "fold2.wast");
        Assert.Equal(0, result.Failed);
        Assert.Equal(0, result.Skipped);
        Assert.Equal(11, result.Passed);
    }
}
