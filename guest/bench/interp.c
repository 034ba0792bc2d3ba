/* A bytecode interpreter loop: a stack machine with registers, dispatched by a switch in a loop
 * (a br_table in wasm), running a program assembled at start-up. The program sums the Collatz
 * path lengths of 1..n and mixes in an LCG stream, so each virtual instruction is a dispatch, a
 * few stack loads and stores, and an unpredictable branch: the classic interpreter workload. */
#include "bench.h"

enum op { PUSH, LOAD, STORE, ADD, MUL, AND, XOR, SHR, LT, EQ, JZ, JNZ, JMP, HALT };
enum reg { I, N, X, STEPS, LCG, REGS };

static i64 code[256];
static i32 code_len;

static void emit(i64 op, i64 arg) { code[code_len++] = op; code[code_len++] = arg; }
static i32 here(void) { return code_len; }
/* A forward jump: emitted with a placeholder target, patched when the label is placed. */
static i32 emit_jump(i64 op) { emit(op, -1); return code_len - 1; }
static void patch(i32 at, i32 target) { code[at] = target; }

static void assemble(void)
{
    code_len = 0;
    emit(PUSH, 1); emit(STORE, I);
    i32 loop = here();
    emit(LOAD, N); emit(LOAD, I); emit(LT, 0);
    i32 to_end = emit_jump(JNZ);                  /* n < i: done */
    emit(LOAD, I); emit(STORE, X);
    i32 collatz = here();
    emit(LOAD, X); emit(PUSH, 1); emit(EQ, 0);
    i32 to_next = emit_jump(JNZ);                 /* x == 1: this number is done */
    emit(LOAD, STEPS); emit(PUSH, 1); emit(ADD, 0); emit(STORE, STEPS);
    emit(LOAD, X); emit(PUSH, 1); emit(AND, 0);
    i32 to_even = emit_jump(JZ);
    emit(LOAD, X); emit(PUSH, 3); emit(MUL, 0); emit(PUSH, 1); emit(ADD, 0); emit(STORE, X);
    emit(JMP, collatz);
    patch(to_even, here());
    emit(LOAD, X); emit(PUSH, 1); emit(SHR, 0); emit(STORE, X);
    emit(JMP, collatz);
    patch(to_next, here());
    emit(LOAD, LCG); emit(PUSH, 6364136223846793005LL); emit(MUL, 0); emit(PUSH, 1442695040888963407LL); emit(ADD, 0); emit(STORE, LCG);
    emit(LOAD, STEPS); emit(LOAD, LCG); emit(PUSH, 48); emit(SHR, 0); emit(XOR, 0); emit(STORE, STEPS);
    emit(LOAD, I); emit(PUSH, 1); emit(ADD, 0); emit(STORE, I);
    emit(JMP, loop);
    patch(to_end, here());
    emit(LOAD, STEPS); emit(HALT, 0);
}

static i64 execute(i64 n)
{
    u64 reg[REGS] = {0, (u64)n, 0, 0, 1};
    u64 stack[16];
    i32 sp = 0, pc = 0;
    for (;;) {
        i64 op = code[pc], arg = code[pc + 1];
        pc += 2;
        switch (op) {
        case PUSH: stack[sp++] = (u64)arg; break;
        case LOAD: stack[sp++] = reg[arg]; break;
        case STORE: reg[arg] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case SHR: sp--; stack[sp - 1] >>= stack[sp] & 63; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case JZ: if (stack[--sp] == 0) pc = (i32)arg; break;
        case JNZ: if (stack[--sp] != 0) pc = (i32)arg; break;
        case JMP: pc = (i32)arg; break;
        case HALT: return (i64)stack[sp - 1];
        default: return -1;
        }
    }
}

i64 run(i32 n)
{
    assemble();
    return execute(n);
}
