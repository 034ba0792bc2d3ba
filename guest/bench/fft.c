/* Iterative radix-2 complex FFT (Cooley-Tukey, bit-reversal permutation then butterflies) on
 * 65,536 points of doubles; run(n) does n forward+inverse round trips. Without libm, twiddles
 * come from the half-angle formulas (sqrt is exact in IEEE, so both targets agree bit for bit)
 * and a complex-multiply recurrence per stage. */
#include "bench.h"

#define LOG2N 16
#define N (1 << LOG2N)
static double re[N], im[N];
/* cos and sin of -2*pi / 2^s for s = 1..LOG2N. */
static double wr_stage[LOG2N + 1], wi_stage[LOG2N + 1];

static void twiddles(void)
{
    double c = -1.0, s = 0.0; /* angle -pi: stage s = 1 */
    wr_stage[1] = c;
    wi_stage[1] = s;
    for (i32 st = 2; st <= LOG2N; st++) {
        /* Halving a negative angle in (-pi, 0]: cos stays positive, sin negative. */
        double nc = __builtin_sqrt((1.0 + c) * 0.5);
        double ns = -__builtin_sqrt((1.0 - c) * 0.5);
        c = nc;
        s = ns;
        wr_stage[st] = c;
        wi_stage[st] = s;
    }
}

static void fft(i32 inverse)
{
    for (u32 i = 0, j = 0; i < N; i++) {
        if (i < j) {
            double t = re[i]; re[i] = re[j]; re[j] = t;
            t = im[i]; im[i] = im[j]; im[j] = t;
        }
        u32 bit = N >> 1;
        while (j & bit) { j ^= bit; bit >>= 1; }
        j |= bit;
    }
    for (i32 st = 1; st <= LOG2N; st++) {
        u32 m = 1u << st, half = m >> 1;
        double wmr = wr_stage[st], wmi = inverse ? -wi_stage[st] : wi_stage[st];
        for (u32 k = 0; k < N; k += m) {
            double wr = 1.0, wi = 0.0;
            for (u32 j = 0; j < half; j++) {
                u32 p = k + j, q = p + half;
                double tr = wr * re[q] - wi * im[q];
                double ti = wr * im[q] + wi * re[q];
                re[q] = re[p] - tr; im[q] = im[p] - ti;
                re[p] += tr; im[p] += ti;
                double nwr = wr * wmr - wi * wmi;
                wi = wr * wmi + wi * wmr;
                wr = nwr;
            }
        }
    }
    if (inverse) {
        const double scale = 1.0 / N; /* a power of two: exact */
        for (u32 i = 0; i < N; i++) { re[i] *= scale; im[i] *= scale; }
    }
}

i64 run(i32 n)
{
    twiddles();
    u64 seed = 12345;
    for (u32 i = 0; i < N; i++) {
        re[i] = (double)(i32)(rng_next(&seed) % 20001 - 10000) / 1024.0;
        im[i] = 0.0;
    }
    u64 h = 0;
    for (i32 r = 0; r < n; r++) {
        fft(0);
        h = mix(h, (u64)bits_of(re[1]) ^ (u64)bits_of(im[N / 3]));
        fft(1);
    }
    double sum = 0.0;
    for (u32 i = 0; i < N; i++) sum += re[i] * (double)(i & 15) + im[i];
    return (i64)mix(h, (u64)bits_of(sum));
}
