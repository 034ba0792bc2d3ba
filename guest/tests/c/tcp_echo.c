// A TCP echo server on a preopened listening socket (tessera run --tcplisten ADDR). Finds the
// socket among the descriptors after stdio (fd_fdstat_get: SOCKET_STREAM), accepts CONNECTIONS
// (argv[1], default 2) connections one after another with sock_accept, and echoes what each sends
// until the peer shuts down its side, then prints how many bytes each connection carried.
#include "common.h"

int main(int argc, char **argv) {
  int connections = argc > 1 ? atoi(argv[1]) : 2;
  int listener = -1;
  for (__wasi_fd_t fd = 3; fd < 64 && listener < 0; fd++) {
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(fd, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM) listener = (int)fd;
  }
  if (listener < 0) {
    printf("no listening socket\n");
    return 3;
  }
  printf("listening socket found\n");
  fflush(stdout);
  for (int c = 0; c < connections; c++) {
    __wasi_fd_t conn;
    __wasi_errno_t e = __wasi_sock_accept((__wasi_fd_t)listener, 0, &conn);
    if (e != 0) { printf("sock_accept -> %s\n", errno_name(e)); return 1; }
    __wasi_fdstat_t st;
    CHECK(__wasi_fd_fdstat_get(conn, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM, "connection %d is a stream socket", c);
    unsigned long total = 0;
    for (;;) {
      char buf[1000];
      __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
      __wasi_size_t got = 0;
      __wasi_roflags_t flags = 0;
      e = __wasi_sock_recv(conn, &iov, 1, 0, &got, &flags);
      if (e != 0) { printf("sock_recv -> %s\n", errno_name(e)); return 1; }
      if (got == 0) break;
      size_t off = 0;
      while (off < got) {
        __wasi_ciovec_t out = {(const uint8_t *)buf + off, got - off};
        __wasi_size_t sent = 0;
        e = __wasi_sock_send(conn, &out, 1, 0, &sent);
        if (e != 0) { printf("sock_send -> %s\n", errno_name(e)); return 1; }
        off += sent;
      }
      total += got;
    }
    printf("connection %d: echoed %lu bytes\n", c, total);
    e = __wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR);
    CHECK(e == 0, "sock_shutdown(WR) (got %s)", errno_name(e));
    CHECK(__wasi_fd_close(conn) == 0, "close connection %d", c);
    fflush(stdout);
  }
  return finish();
}
