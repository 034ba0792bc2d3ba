// random_get: buffers of several lengths are filled to exactly their length (the bytes past the
// end are untouched), two draws differ, and the bytes are not all one value.
#include "common.h"
#include <unistd.h>

int main(void) {
  static unsigned char a[65536 + 16], b[65536 + 16];
  size_t sizes[] = {1, 16, 256, 4096, 65536};
  for (int i = 0; i < 5; i++) {
    size_t n = sizes[i];
    memset(a, 0xA5, sizeof a);
    memset(b, 0xA5, sizeof b);
    __wasi_errno_t e1 = __wasi_random_get(a, n);
    __wasi_errno_t e2 = __wasi_random_get(b, n);
    CHECK(e1 == 0 && e2 == 0, "random_get(%zu) twice succeeds", n);
    int tail_ok = 1;
    for (size_t k = n; k < n + 16; k++) tail_ok &= a[k] == 0xA5 && b[k] == 0xA5;
    CHECK(tail_ok, "random_get(%zu) writes no byte past the length", n);
    if (n >= 16) {
      CHECK(memcmp(a, b, n) != 0, "two draws of %zu bytes differ", n);
      int counts[256] = {0};
      for (size_t k = 0; k < n; k++) counts[a[k]]++;
      int distinct = 0;
      for (int v = 0; v < 256; v++) distinct += counts[v] > 0;
      // 16 uniform bytes have fewer than 4 distinct values with probability below 1e-15.
      CHECK(distinct >= (n >= 4096 ? 250 : 4), "%zu bytes are varied", n);
    }
  }
  CHECK(__wasi_random_get(a, 0) == 0, "random_get(0) succeeds");
  unsigned char e[32];
  CHECK(getentropy(e, sizeof e) == 0, "getentropy(32)");
  errno = 0;
  CHECK(getentropy(e, 257) == -1 && errno == EIO, "getentropy(257): EIO from wasi-libc's limit (got %s)", errno_name(errno));
  return finish();
}
