/* Hand-off: a producer fills a 4 MiB buffer and moves it to the main task (tessera_send_move),
 * which checks it, adds one to every 32-bit word and moves it back, n times. Both buffers are
 * aligned to TESSERA_MOVE_ALIGN, so each hop moves the pages rather than copying the bytes. The
 * main task returns the number of words that were wrong (0) times 2^32 plus the number of whole
 * buffers that came back, n; after a move the sender's buffer reads as zero, which the producer
 * also checks. Build: guest/examples/build.sh. Run: tessera's kernel spawns "run". */
#include <tessera/task.h>

enum { TAG_BUFFER = 1, WORDS = (4 << 20) / 4 };

static uint32_t buffer[WORDS] __attribute__((aligned(TESSERA_MOVE_ALIGN)));

/* packed: the main task's id times 256 plus the rounds (at most 255). */
static void producer(int64_t packed) {
  tessera_task_t main_task = packed >> 8;
  int64_t rounds = packed & 0xff;
  for (uint32_t i = 0; i < WORDS; i++) buffer[i] = i * 2654435761u;
  for (int64_t round = 0; round < rounds; round++) {
    tessera_send_move(main_task, TAG_BUFFER, buffer, sizeof buffer);
    /* Moved away: every word reads zero until the buffer comes back. */
    uint32_t nonzero = 0;
    for (uint32_t i = 0; i < WORDS; i += 1024) nonzero += buffer[i] != 0;
    tessera_receive(TAG_BUFFER, buffer, sizeof buffer, -1, 0);
    if (nonzero != 0) buffer[0] = 0xdead; /* the main task sees it as a wrong word */
  }
  tessera_send_move(main_task, TAG_BUFFER, buffer, sizeof buffer);
}

__attribute__((export_name("run"))) int64_t run(int64_t rounds) {
  tessera_task_t partner = tessera_spawn(producer, tessera_self() << 8 | rounds);
  int64_t wrong = 0;
  for (int64_t round = 0; round <= rounds; round++) {
    int32_t length = tessera_receive(TAG_BUFFER, buffer, sizeof buffer, -1, 0);
    if (length != (int32_t)sizeof buffer) return -1;
    /* Each round added one to every word: word i holds i * 2654435761 + round. */
    for (uint32_t i = 0; i < WORDS; i++) wrong += buffer[i] != i * 2654435761u + (uint32_t)round;
    if (round == rounds) break;
    for (uint32_t i = 0; i < WORDS; i++) buffer[i] += 1;
    tessera_send_move(partner, TAG_BUFFER, buffer, sizeof buffer);
  }
  return wrong << 32 | rounds;
}
