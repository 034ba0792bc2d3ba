/* A supervisor that restarts a crashing worker, Erlang style. The worker sums 1..1000 and sends
 * the sum to its supervisor, but its first `crashes` attempts trap (unreachable) before they
 * answer. The supervisor monitors each worker it starts; a Down notice for an abnormal end
 * makes it start the next attempt, up to MAX_RESTARTS. It returns restarts * 2^32 + the sum.
 * Build: guest/examples/build.sh. Run: tessera's kernel spawns "run" with the number of crashes. */
#include <tessera/task.h>

enum { TAG_RESULT = 1, MAX_RESTARTS = 10 };

/* The argument packs the supervisor's id, the attempt number and the number of crashing attempts. */
static void worker(int64_t argument) {
  tessera_task_t supervisor = argument >> 16;
  int attempt = (int)((argument >> 8) & 0xff), crashes = (int)(argument & 0xff);
  if (attempt < crashes) __builtin_trap();
  int64_t sum = 0;
  for (int i = 1; i <= 1000; i++) sum += i;
  tessera_send_value(supervisor, TAG_RESULT, sum);
}

__attribute__((export_name("run"))) int64_t run(int64_t crashes) {
  tessera_task_t self = tessera_self();
  int64_t result = -1;
  for (int attempt = 0; attempt <= MAX_RESTARTS; attempt++) {
    tessera_task_t child = tessera_spawn(worker, self << 16 | (int64_t)attempt << 8 | crashes);
    tessera_monitor(child);
    for (;;) {
      union {
        int64_t value;
        tessera_down_t down;
      } message;
      tessera_message_info_t info;
      if (tessera_receive(TESSERA_ANY_TAG, &message, sizeof message, 10000, &info) == TESSERA_TIMEOUT) return -1;
      if (info.tag == TAG_RESULT) {
        result = message.value;
        continue;
      }
      if (info.tag != TESSERA_DOWN_TAG || message.down.task != child) continue;
      /* Ended normally (or before the monitor was set, having answered): done. */
      if (result >= 0) return (int64_t)attempt << 32 | result;
      break; /* it crashed: restart */
    }
  }
  return -2;
}
