/* Dense double-precision matrix multiply C = A * B (n x n), i-k-j loop order so the inner loop
 * streams rows: floating-point multiply-add throughput and bounds-checked loads. Returns the
 * bits of the sum of C, which both targets compute with the same operations in the same order. */
#include "bench.h"

#define MAX_N 768
static double a[MAX_N * MAX_N], b[MAX_N * MAX_N], c[MAX_N * MAX_N];

i64 run(i32 n)
{
    if (n < 1 || n > MAX_N) return -1;
    u64 seed = 0x9E3779B97F4A7C15ULL;
    for (i32 i = 0; i < n * n; i++) {
        /* Small integers scaled by a power of two keep every product exact-ish and repeatable. */
        a[i] = (double)(i32)(rng_next(&seed) % 2001 - 1000) / 256.0;
        b[i] = (double)(i32)(rng_next(&seed) % 2001 - 1000) / 512.0;
        c[i] = 0.0;
    }
    for (i32 i = 0; i < n; i++) {
        for (i32 k = 0; k < n; k++) {
            double aik = a[i * n + k];
            double *crow = &c[i * n];
            const double *brow = &b[k * n];
            for (i32 j = 0; j < n; j++) crow[j] += aik * brow[j];
        }
    }
    double sum = 0.0;
    for (i32 i = 0; i < n * n; i++) sum += c[i] * (double)((i % 7) + 1);
    return bits_of(sum);
}
