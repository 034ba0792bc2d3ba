// Clocks: monotonic never goes back and advances across a sleep, realtime is after 2020 and
// agrees with time(), resolutions are positive and at most one second, CPU-time clocks work.
#include "common.h"
#include <time.h>

static long long ns(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
  struct timespec a, b, res;
  CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "clock_gettime(MONOTONIC)");
  int backwards = 0;
  long long prev = ns(a);
  for (int i = 0; i < 10000; i++) {
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (ns(b) < prev) backwards++;
    prev = ns(b);
  }
  CHECK(backwards == 0, "10000 monotonic readings never decrease");
  struct timespec sl = {0, 20 * 1000000};
  nanosleep(&sl, NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  CHECK(ns(b) - ns(a) >= 20000000LL, "monotonic advanced at least 20 ms across a 20 ms sleep");
  CHECK(ns(b) - ns(a) < 10000000000LL, "and less than 10 s");

  CHECK(clock_gettime(CLOCK_REALTIME, &a) == 0, "clock_gettime(REALTIME)");
  // 2020-01-01T00:00:00Z is 1577836800; 2100-01-01 is 4102444800.
  CHECK(a.tv_sec > 1577836800LL && a.tv_sec < 4102444800LL, "realtime is between 2020 and 2100");
  time_t t = time(NULL);
  CHECK(t - a.tv_sec >= 0 && t - a.tv_sec <= 2, "time() agrees with realtime within 2 s");

  clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID};
  const char *names[] = {"REALTIME", "MONOTONIC", "PROCESS_CPUTIME", "THREAD_CPUTIME"};
  for (int i = 0; i < 4; i++) {
    int r = clock_getres(ids[i], &res);
    CHECK(r == 0 && ns(res) > 0 && ns(res) <= 1000000000LL, "clock_getres(%s) is positive and at most 1 s", names[i]);
  }
  CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a) == 0, "clock_gettime(PROCESS_CPUTIME)");
  volatile unsigned long spin = 0;
  for (unsigned long i = 0; i < 20000000UL; i++) spin = spin + i;
  (void)spin;
  CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b) == 0 && ns(b) >= ns(a), "process CPU time does not decrease over work");
  CHECK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a) == 0, "clock_gettime(THREAD_CPUTIME)");

  // An unknown clock id through the raw call: the specification's errno is INVAL.
  __wasi_timestamp_t ts;
  __wasi_errno_t e = __wasi_clock_time_get(99, 1, &ts);
  CHECK(e == __WASI_ERRNO_INVAL, "clock_time_get(99): INVAL (got %s)", errno_name(e));
  e = __wasi_clock_res_get(99, &ts);
  CHECK(e == __WASI_ERRNO_INVAL, "clock_res_get(99): INVAL (got %s)", errno_name(e));
  return finish();
}
