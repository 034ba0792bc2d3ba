/* tessera-build: wasi
 *
 * A TCP echo server with one task per connection. The main task accepts connections on the
 * listening socket the runtime preopened (descriptor 3: `tessera run --tcplisten ADDR`) and spawns
 * a task for each; a connection's task echoes what it receives until the peer closes. Every task
 * blocked in accept, recv or send is parked by the kernel: it holds no thread.
 *
 * Run: ./tessera run --tcplisten 127.0.0.1:7000 echo_server.wasm [CONNECTIONS]
 * With CONNECTIONS it stops accepting after that many and waits for their tasks to end. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wasi/api.h>
#include <tessera/task.h>

enum { LISTENER = 3, TAG_DONE = 1 };

static void serve(int64_t argument) {
  int connection = (int)(argument & 0xffffffff);
  tessera_task_t parent = (tessera_task_t)(argument >> 32);
  char buffer[2048];
  for (;;) {
    ssize_t n = recv(connection, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    for (ssize_t sent = 0; sent < n;) {
      ssize_t m = send(connection, buffer + sent, (size_t)(n - sent), 0);
      if (m <= 0) goto done;
      sent += m;
    }
  }
done:
  close(connection);
  if (parent != 0) tessera_send_value(parent, TAG_DONE, connection);
}

int main(int argc, char **argv) {
  long limit = argc > 1 ? atol(argv[1]) : -1;
  tessera_task_t self = tessera_self();
  long served = 0;
  for (; limit < 0 || served < limit; served++) {
    __wasi_fd_t connection;
    __wasi_errno_t error = __wasi_sock_accept(LISTENER, 0, &connection);
    if (error != __WASI_ERRNO_SUCCESS) {
      fprintf(stderr, "echo_server: accept failed: errno %d\n", error);
      return 1;
    }
    /* The connection's descriptor, and whom to tell when it is done when there is a limit. */
    tessera_spawn(serve, (int64_t)connection | (limit < 0 ? 0 : self << 32));
  }
  for (long done = 0; done < served; done++) tessera_receive_value(TAG_DONE, -1);
  printf("echo_server: served %ld connections\n", served);
  return 0;
}
