/* Sieve of Eratosthenes over a byte array, repeated: tight loops of byte loads and stores with
 * strided access. run(n) sieves [0, n) and returns the number of primes below n. */
#include "bench.h"

#define MAX_N (32 * 1024 * 1024)
static u8 composite[MAX_N];

i64 run(i32 n)
{
    if (n < 2 || n > MAX_N) return -1;
    for (i32 i = 0; i < n; i++) composite[i] = 0;
    for (i32 i = 2; (i64)i * i < n; i++) {
        if (composite[i]) continue;
        for (i32 j = i * i; j < n; j += i) composite[j] = 1;
    }
    i64 count = 0;
    for (i32 i = 2; i < n; i++) count += !composite[i];
    return count;
}
