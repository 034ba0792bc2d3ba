// poll_oneoff with timeouts. argv[1] picks a part (node cannot run them all, see
// docs/wasi-programs.md): "timeouts": poll() with no descriptors sleeps, nanosleep sleeps, relative
// clock subscriptions fire in deadline order; "fds": a regular file and standard output are ready
// at once; "abstime": an absolute deadline fires at its time; "empty": no subscriptions is INVAL.
// Sleeps are checked against their length less 2 ms: libuv (node) rounds timers to milliseconds.
#include "common.h"
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static __wasi_subscription_t clock_sub(uint64_t userdata, __wasi_timestamp_t timeout, __wasi_subclockflags_t flags) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.precision = 0;
  s.u.u.clock.flags = flags;
  return s;
}

static void clocks(void);

static void timeouts(void) {
  long long t0 = now_ns();
  int r = poll(NULL, 0, 50);
  long long dt = now_ns() - t0;
  CHECK(r == 0 && dt >= 48000000LL, "poll(no fds, 50 ms) returns 0 after at least 50 ms");
  CHECK(dt < 5000000000LL, "and within 5 s");

  t0 = now_ns();
  struct timespec req = {0, 30000000};
  CHECK(nanosleep(&req, NULL) == 0 && now_ns() - t0 >= 28000000LL, "nanosleep(30 ms) sleeps at least 30 ms");

  t0 = now_ns();
  CHECK(poll(NULL, 0, 0) == 0 && now_ns() - t0 < 1000000000LL, "poll(no fds, 0 ms) returns 0 at once");
  clocks();
}

static void fds(void) {
  long long t0;
  int r;

  int fd = open("/sandbox/data.txt", O_CREAT | O_RDWR, 0644);
  CHECK(fd >= 0 && write(fd, "abc", 3) == 3, "create data.txt");
  struct pollfd p[2] = {{fd, POLLRDNORM, 0}, {1, POLLWRNORM, 0}};
  t0 = now_ns();
  r = poll(p, 2, 10000);
  CHECK(r == 2, "poll(file for reading, stdout for writing) reports both ready (got %d)", r);
  CHECK((p[0].revents & POLLRDNORM) != 0 && (p[1].revents & POLLWRNORM) != 0, "revents show read and write readiness");
  CHECK(now_ns() - t0 < 5000000000LL, "without waiting for the 10 s timeout");
  close(fd);
}

static void clocks(void) {
  long long t0, dt;
  // Raw poll_oneoff: three relative clocks (60, 20, 40 ms). The first event is the 20 ms one.
  __wasi_subscription_t subs[3] = {clock_sub(60, 60000000, 0), clock_sub(20, 20000000, 0), clock_sub(40, 40000000, 0)};
  __wasi_event_t ev[3];
  __wasi_size_t nev = 0;
  t0 = now_ns();
  __wasi_errno_t e = __wasi_poll_oneoff(subs, ev, 3, &nev);
  dt = now_ns() - t0;
  CHECK(e == 0 && nev >= 1, "poll_oneoff with three clocks returns events");
  CHECK(nev >= 1 && ev[0].userdata == 20 && ev[0].type == __WASI_EVENTTYPE_CLOCK && ev[0].error == 0, "the first event is the 20 ms clock");
  CHECK(dt >= 18000000LL, "after at least 20 ms");
  int later = 0;
  for (__wasi_size_t i = 0; i < nev; i++) later += ev[i].userdata == 60;
  CHECK(later == 0 && dt < 60000000LL + 1000000000LL, "the 60 ms clock has not fired with it");
}

static void abstime(void) {
  __wasi_event_t ev[1];
  __wasi_size_t nev = 0;
  long long t0, dt;
  __wasi_errno_t e;

  // t0 is read before the deadline's base, so however long the calls in between take, the
  // wait measured from t0 is at least the 30 ms to the deadline.
  t0 = now_ns();
  __wasi_timestamp_t nowts;
  __wasi_errno_t got = __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &nowts);
  __wasi_subscription_t abs = clock_sub(7, nowts + 30000000, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  e = __wasi_poll_oneoff(&abs, ev, 1, &nev);
  dt = now_ns() - t0;
  CHECK(got == 0, "clock_time_get(MONOTONIC)");
  CHECK(e == 0 && nev == 1 && ev[0].userdata == 7, "an absolute monotonic deadline fires");
  CHECK(dt >= 28000000LL, "no earlier than its time (30 ms ahead)");

}

static void empty(void) {
  __wasi_subscription_t subs[1] = {clock_sub(1, 1000000, 0)};
  __wasi_event_t ev[1];
  __wasi_size_t nev = 0;
  __wasi_errno_t e = __wasi_poll_oneoff(subs, ev, 0, &nev);
  CHECK(e == __WASI_ERRNO_INVAL, "poll_oneoff with no subscriptions: INVAL (got %s)", errno_name(e));
}

int main(int argc, char **argv) {
  const char *part = argc > 1 ? argv[1] : "";
  if (!strcmp(part, "timeouts")) timeouts();
  else if (!strcmp(part, "fds")) fds();
  else if (!strcmp(part, "abstime")) abstime();
  else if (!strcmp(part, "empty")) empty();
  else { printf("usage: poll timeouts|fds|abstime|empty\n"); return 2; }
  return finish();
}
