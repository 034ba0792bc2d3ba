/* Ping-pong: the main task spawns a partner and sends it 0, 1, ... n-1; the partner answers each
 * with the number plus one; the main task adds the answers, tells the partner to stop, and returns
 * the sum, n(n+1)/2. Build: guest/examples/build.sh. Run: tessera's kernel spawns "run". */
#include <tessera/task.h>

enum { TAG_REQUEST = 1, TAG_ANSWER = 2 };

static void pong(int64_t ping) {
  for (;;) {
    int64_t value = tessera_receive_value(TAG_REQUEST, -1);
    if (value < 0) return;
    tessera_send_value(ping, TAG_ANSWER, value + 1);
  }
}

__attribute__((export_name("run"))) int64_t run(int64_t n) {
  tessera_task_t partner = tessera_spawn(pong, tessera_self());
  int64_t sum = 0;
  for (int64_t i = 0; i < n; i++) {
    tessera_send_value(partner, TAG_REQUEST, i);
    sum += tessera_receive_value(TAG_ANSWER, -1);
  }
  tessera_send_value(partner, TAG_REQUEST, -1);
  return sum;
}
