/* Not a kernel: the host-call probe. run(n) calls the imported env.inc n times, threading the
 * value through, so the result must be exactly n and the time is n boundary crossings. */
#include "bench.h"

__attribute__((import_module("env"), import_name("inc"))) i32 inc(i32 x);

i64 run(i32 n)
{
    i32 x = 0;
    for (i32 i = 0; i < n; i++) x = inc(x);
    return x;
}
