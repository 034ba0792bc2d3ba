// Helpers shared by the C test programs: WASI errno names, a check macro that prints what it
// checked (never the measured value, so output is deterministic), and the preopen lookup.
#ifndef TESSERA_TESTS_COMMON_H
#define TESSERA_TESTS_COMMON_H
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

// The names of wasi_snapshot_preview1's errno values, indexed by value (the specification's order).
static const char *const wasi_errno_names[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN", "ALREADY",
    "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED", "CONNREFUSED", "CONNRESET",
    "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM",
    "ILSEQ", "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK",
    "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS",
    "NODEV", "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC", "NOSYS",
    "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY", "NXIO",
    "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO", "PROTONOSUPPORT", "PROTOTYPE", "RANGE",
    "ROFS", "SPIPE", "SRCH", "STALE", "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE"};

static inline const char *errno_name(int e) {
  if (e >= 0 && e < (int)(sizeof wasi_errno_names / sizeof *wasi_errno_names)) return wasi_errno_names[e];
  return "?";
}

static int check_failures;

// Prints "ok: WHAT" or "FAIL: WHAT" and counts failures; main returns the count as its exit code.
#define CHECK(cond, ...)                                   \
  do {                                                     \
    int ok_ = (cond) ? 1 : 0;                              \
    printf("%s: ", ok_ ? "ok" : "FAIL");                   \
    printf(__VA_ARGS__);                                   \
    printf("\n");                                          \
    if (!ok_) check_failures++;                            \
  } while (0)

// Prints "WHAT -> errno NAME" for a libc call that returned -1, "WHAT -> 0" otherwise.
#define SHOW(what, expr)                                                          \
  do {                                                                            \
    errno = 0;                                                                    \
    long r_ = (long)(expr);                                                       \
    if (r_ < 0) printf("%s -> errno %s\n", what, errno_name(errno));              \
    else printf("%s -> %ld\n", what, r_);                                         \
  } while (0)

// The descriptor of the preopened directory whose guest name is NAME, or -1.
static inline int find_preopen(const char *name) {
  for (__wasi_fd_t fd = 3; fd < 64; fd++) {
    __wasi_prestat_t pre;
    if (__wasi_fd_prestat_get(fd, &pre) != 0) continue;
    if (pre.tag != __WASI_PREOPENTYPE_DIR) continue;
    char buf[256];
    size_t len = pre.u.dir.pr_name_len;
    if (len >= sizeof buf) continue;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, len) != 0) continue;
    buf[len] = 0;
    if (strcmp(buf, name) == 0) return (int)fd;
  }
  return -1;
}

static inline int finish(void) {
  fflush(stdout);
  return check_failures > 0 ? 1 : 0;
}
#endif
