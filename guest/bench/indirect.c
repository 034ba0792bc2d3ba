/* Indirect calls through a table: a loop dispatches through an array of 16 function pointers
 * (call_indirect in wasm, with its signature check) chosen by data, so nothing can devirtualize
 * them. run(n) makes n calls and returns the accumulated value. */
#include "bench.h"

typedef u32 (*op_fn)(u32 acc, u32 x);

/* noinline: each must stay a real function with a table entry. */
#define OP(name, expr) __attribute__((noinline)) static u32 name(u32 acc, u32 x) { return expr; }
OP(op0, acc + x)
OP(op1, acc - x)
OP(op2, acc ^ x)
OP(op3, acc * (x | 1))
OP(op4, ((acc << 3) | (acc >> 29)) + (x & 1))
OP(op5, acc + (x >> 7))
OP(op6, acc ^ (x * 0x9E3779B9u))
OP(op7, acc - (x << 2))
OP(op8, (acc >> 5) ^ x)
OP(op9, acc + 0x7F4A7C15u + (x >> 31))
OP(op10, acc & (x | 0xFFFF0000u))
OP(op11, acc | (x & 0x0F0F0F0Fu))
OP(op12, (acc ^ (x >> 24)) * 0x01000193u)
OP(op13, acc + x * 3)
OP(op14, acc ^ (acc >> 15) ^ (x >> 16))
OP(op15, x - acc)

static op_fn const table[16] = {op0, op1, op2, op3, op4, op5, op6, op7, op8, op9, op10, op11, op12, op13, op14, op15};

i64 run(i32 n)
{
    u32 acc = 1, x = 0x12345678u;
    for (i32 i = 0; i < n; i++) {
        x = x * 1664525u + 1013904223u; /* the index comes from data */
        acc = table[x >> 28](acc, x);
    }
    return acc;
}
