/* Reference driver: the kernel compiled for the host, run once, result printed. build.sh uses it
 * to compute each kernel's expected value with a different compiler back end than the wasm
 * engines under test. */
#include <stdio.h>
#include <stdlib.h>

long long run(int n);

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s N\n", argv[0]);
        return 2;
    }
    printf("%lld\n", run(atoi(argv[1])));
    return 0;
}
