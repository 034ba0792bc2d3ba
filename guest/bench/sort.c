/* Sorting n pseudo-random 32-bit keys: an introsort-free quicksort (median of three, insertion
 * sort below 16 elements, recursion on the smaller side), so data-dependent branches, swaps and
 * recursion dominate. Returns a checksum of the sorted order, or -1 if the array is not sorted. */
#include "bench.h"

#define MAX_N (4 * 1024 * 1024)
static u32 keys[MAX_N];

static void insertion_sort(u32 *a, i32 lo, i32 hi)
{
    for (i32 i = lo + 1; i <= hi; i++) {
        u32 v = a[i];
        i32 j = i - 1;
        while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static inline void swap(u32 *a, i32 i, i32 j) { u32 t = a[i]; a[i] = a[j]; a[j] = t; }

static void quicksort(u32 *a, i32 lo, i32 hi)
{
    while (hi - lo >= 16) {
        i32 mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(a, mid, lo);
        if (a[hi] < a[lo]) swap(a, hi, lo);
        if (a[hi] < a[mid]) swap(a, hi, mid);
        u32 pivot = a[mid];
        i32 i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) { swap(a, i, j); i++; j--; }
        }
        /* Recurse into the smaller part and loop on the larger: the stack stays O(log n). */
        if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
        else { quicksort(a, i, hi); hi = j; }
    }
    insertion_sort(a, lo, hi);
}

i64 run(i32 n)
{
    if (n < 1 || n > MAX_N) return -1;
    u64 seed = 7;
    for (i32 i = 0; i < n; i++) keys[i] = (u32)(rng_next(&seed) >> 32);
    quicksort(keys, 0, n - 1);
    u64 h = 0;
    for (i32 i = 0; i < n; i++) {
        if (i > 0 && keys[i - 1] > keys[i]) return -1;
        h = mix(h, keys[i]);
    }
    return (i64)h;
}
