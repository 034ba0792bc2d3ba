/* Shared by every kernel: fixed-width types (the same code is built for wasm32 and, as the
 * reference that checks results, natively for the host), the export marker, and a tiny PRNG so
 * inputs are deterministic without libc. */
#ifndef TESSERA_BENCH_H
#define TESSERA_BENCH_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;
typedef long long i64;

/* The entry point. On wasm32 it is exported by the link flags (-Wl,--export=run); natively the
 * reference driver (native_main.c) calls it. Every kernel's run(n) sets up its own input, so
 * calling it again gives the same result: the harness times repeated calls on one instance. */
i64 run(i32 n);

/* xorshift64*: deterministic and identical on both targets (integer arithmetic only). */
static inline u64 rng_next(u64 *state)
{
    u64 x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* A double's bits, so floating-point results are compared exactly, not within a tolerance:
 * both targets do the same IEEE operations in the same order. */
static inline i64 bits_of(double d)
{
    union { double d; i64 i; } u;
    u.d = d;
    return u.i;
}

/* FNV-1a style mixing for checksums over many values. */
static inline u64 mix(u64 h, u64 v)
{
    h ^= v;
    return h * 0x100000001B3ULL;
}

#endif
