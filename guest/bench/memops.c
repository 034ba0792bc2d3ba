/* memcpy/memset/memmove-heavy code: block copies of sizes from a few bytes to 64 KiB at unaligned
 * offsets, fills, and overlapping moves between two 1 MiB buffers. Built with -mbulk-memory, the
 * non-constant sizes become memory.copy and memory.fill; the constant small ones become plain
 * loads and stores. run(n) does n rounds and returns a checksum of sampled bytes. */
#include "bench.h"

#define SIZE (1024 * 1024)
static u8 src[SIZE], dst[SIZE];

struct header { u32 tag, length; u64 stamp; u8 name[16]; };

i64 run(i32 n)
{
    u64 seed = 2024;
    for (u32 i = 0; i < SIZE; i += 8) {
        u64 v = rng_next(&seed);
        __builtin_memcpy(&src[i], &v, 8);
    }
    __builtin_memset(dst, 0, SIZE);
    u64 h = 0;
    for (i32 r = 0; r < n; r++) {
        for (i32 k = 0; k < 64; k++) {
            u64 x = rng_next(&seed);
            u32 len = 1u << (x & 15);            /* 1 B .. 32 KiB */
            len += (u32)(x >> 4) & (len - 1);    /* and sizes between the powers of two */
            u32 from = (u32)(x >> 20) % (SIZE - len);
            u32 to = (u32)(x >> 40) % (SIZE - len);
            switch ((x >> 60) & 3) {
            case 0: __builtin_memcpy(&dst[to], &src[from], len); break;
            case 1: __builtin_memset(&dst[to], (int)(x >> 52) & 0xff, len); break;
            case 2: __builtin_memmove(&dst[to], &dst[from], len); break;
            default: {
                /* Struct copies: fixed-size moves the compiler expands into loads and stores. */
                struct header hd;
                for (u32 off = 0; off + sizeof hd <= len; off += sizeof hd) {
                    __builtin_memcpy(&hd, &src[from + off], sizeof hd);
                    hd.tag ^= (u32)r;
                    __builtin_memcpy(&dst[to + off], &hd, sizeof hd);
                }
            }
            }
            h = mix(h, dst[(x >> 8) % SIZE]);
        }
        /* A whole-buffer copy and clear each round: the large memory.copy and memory.fill case. */
        __builtin_memcpy(src, dst, SIZE / 2);
        __builtin_memset(dst + SIZE / 2, r & 0xff, SIZE / 2);
    }
    for (u32 i = 0; i < SIZE; i += 4093) h = mix(h, dst[i] | (u64)src[i] << 8);
    return (i64)h;
}
