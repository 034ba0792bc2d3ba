/* A SIMD kernel: the Mandelbrot set on a grid, four pixels at a time in f32x4 lanes (built with
 * -msimd128 and wasm_simd128.h), with a lane mask so escaped pixels stop counting, plus an i32x4
 * reduction. Natively (the reference build) the same per-pixel f32 arithmetic runs one pixel at a
 * time: each lane does exactly the scalar IEEE operations, so the iteration counts agree exactly.
 * run(n) renders an n x n grid (n a multiple of 4) and returns the total iteration count mixed with
 * a per-row checksum. */
#include "bench.h"

#define MAX_ITER 200

#ifdef __wasm_simd128__
#include <wasm_simd128.h>

static u64 row_sum(float y0, float x_start, float dx, i32 width, u64 *hash)
{
    const v128_t four = wasm_f32x4_splat(4.0f), cy = wasm_f32x4_splat(y0);
    v128_t total = wasm_i32x4_splat(0);
    for (i32 col = 0; col < width; col += 4) {
        v128_t cx = wasm_f32x4_make(x_start + dx * (float)col, x_start + dx * (float)(col + 1),
                                    x_start + dx * (float)(col + 2), x_start + dx * (float)(col + 3));
        v128_t zx = wasm_f32x4_splat(0.0f), zy = wasm_f32x4_splat(0.0f);
        v128_t count = wasm_i32x4_splat(0), active = wasm_i32x4_splat(-1);
        for (i32 it = 0; it < MAX_ITER; it++) {
            v128_t x2 = wasm_f32x4_mul(zx, zx), y2 = wasm_f32x4_mul(zy, zy);
            active = wasm_v128_and(active, wasm_f32x4_le(wasm_f32x4_add(x2, y2), four));
            if (!wasm_v128_any_true(active)) break;
            count = wasm_i32x4_sub(count, active); /* active lanes are -1 */
            v128_t xy = wasm_f32x4_mul(zx, zy);
            zx = wasm_f32x4_add(wasm_f32x4_sub(x2, y2), cx);
            zy = wasm_f32x4_add(wasm_f32x4_add(xy, xy), cy);
        }
        total = wasm_i32x4_add(total, count);
        *hash = mix(*hash, (u64)(u32)wasm_i32x4_extract_lane(count, 0) | (u64)(u32)wasm_i32x4_extract_lane(count, 3) << 32);
    }
    return (u64)(u32)wasm_i32x4_extract_lane(total, 0) + (u32)wasm_i32x4_extract_lane(total, 1) +
           (u32)wasm_i32x4_extract_lane(total, 2) + (u32)wasm_i32x4_extract_lane(total, 3);
}
#else
/* The scalar reference: the same operations per pixel, in the same order. */
static u32 pixel(float cx, float cy)
{
    float zx = 0.0f, zy = 0.0f;
    u32 count = 0;
    for (i32 it = 0; it < MAX_ITER; it++) {
        float x2 = zx * zx, y2 = zy * zy;
        if (!(x2 + y2 <= 4.0f)) break;
        count++;
        float xy = zx * zy;
        zx = (x2 - y2) + cx;
        zy = (xy + xy) + cy;
    }
    return count;
}

static u64 row_sum(float y0, float x_start, float dx, i32 width, u64 *hash)
{
    u64 total = 0;
    for (i32 col = 0; col < width; col += 4) {
        u32 c[4];
        for (i32 l = 0; l < 4; l++) c[l] = pixel(x_start + dx * (float)(col + l), y0);
        total += (u64)c[0] + c[1] + c[2] + c[3];
        *hash = mix(*hash, (u64)c[0] | (u64)c[3] << 32);
    }
    return total;
}
#endif

i64 run(i32 n)
{
    if (n < 4 || n % 4) return -1;
    const float x_start = -2.0f, y_start = -1.25f, dx = 2.5f / (float)n, dy = 2.5f / (float)n;
    u64 total = 0, hash = 0;
    for (i32 row = 0; row < n; row++) total += row_sum(y_start + dy * (float)row, x_start, dx, n, &hash);
    return (i64)mix(hash, total);
}
