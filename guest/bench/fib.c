/* Recursive calls: the naive doubly recursive Fibonacci. Measures call overhead and the stack
 * guard, nothing else. */
#include "bench.h"

/* noinline keeps the recursion a real call chain rather than something the optimizer unrolls. */
__attribute__((noinline)) static u32 fib(u32 n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

i64 run(i32 n)
{
    return fib((u32)n);
}
