/* The Tessera task API for guests: the import module "tessera_task" (docs/abi.md).
 *
 * A task is a function of this module called in a fresh instance of it; tasks share nothing and
 * talk by messages, which are copied. Link with wasm-ld's --export-table so that spawn can find
 * the function a function pointer names. receive, receive_value, tessera_sleep and tessera_yield
 * suspend the task: while it waits it holds no thread. */
#ifndef TESSERA_TASK_H
#define TESSERA_TASK_H

#include <stdint.h>

#define TESSERA_IMPORT(name) __attribute__((import_module("tessera_task"), import_name(name)))

typedef int64_t tessera_task_t;

/* receive's tag that selects any message, and the tag of the notice a monitor receives. */
#define TESSERA_ANY_TAG (-1)
#define TESSERA_DOWN_TAG (-2)

/* Results: 0, or one of these. */
#define TESSERA_NO_SUCH_TASK (-1)
#define TESSERA_MAILBOX_FULL (-2)
#define TESSERA_BAD_ARGUMENT (-3)
#define TESSERA_TIMEOUT (-1)
#define TESSERA_VALUE_TIMEOUT INT64_MIN

/* How a task ended, in a TESSERA_DOWN_TAG notice. */
enum tessera_exit_kind { TESSERA_EXIT_NORMAL, TESSERA_EXIT_TRAPPED, TESSERA_EXIT_KILLED, TESSERA_EXIT_HOST_ERROR, TESSERA_EXIT_BAD_ENTRY, TESSERA_EXIT_UNKNOWN, TESSERA_EXIT_EXITED };

/* The notice a monitor receives when the task it watches ends (16 bytes, little-endian). */
typedef struct {
  tessera_task_t task;
  int32_t exit_kind; /* enum tessera_exit_kind */
  int32_t trap_kind; /* the trap's kind when exit_kind is TESSERA_EXIT_TRAPPED, else -1 */
} tessera_down_t;

/* Where receive puts the sender and the tag (when its info argument is not null). */
typedef struct {
  tessera_task_t from;
  int32_t tag;
  int32_t reserved;
} tessera_message_info_t;

/* This task's id. */
TESSERA_IMPORT("self") tessera_task_t tessera_self(void);

/* Starts a task calling entry(argument) in a fresh instance of this module; returns its id. */
TESSERA_IMPORT("spawn") tessera_task_t tessera_spawn(void (*entry)(int64_t), int64_t argument);

/* Starts a task calling entry(argument) in this task's own instance: it shares this module's
 * memory, globals and table, as a thread shares a process. Tasks of one instance take turns (one
 * runs at a time; a turn ends at a receive, sleep, yield or the end of a time slice, which comes
 * only at a loop head), so plain loads and stores between two such points need no lock; across
 * them, shared data needs the care threads need. Each still has its own mailbox and dies alone. */
TESSERA_IMPORT("spawn_local") tessera_task_t tessera_spawn_local(void (*entry)(int64_t), int64_t argument);

/* Sends a copy of [data, data + length) with a tag (>= 0). */
TESSERA_IMPORT("send") int32_t tessera_send(tessera_task_t to, int32_t tag, const void *data, int32_t length);

/* As tessera_send, but gives the bytes up: once delivered, [data, data + length) reads as zero.
 * The range's whole TESSERA_MOVE_ALIGN-aligned units then change memories without being copied
 * (their pages taken from here, where fresh zero pages replace them on the next write, and mapped
 * over the receiver's buffer if that buffer lines up with them: align both to
 * TESSERA_MOVE_ALIGN); the bytes around them are copied. Moving pays from one unit on; writing
 * the range again costs a page fault per page, so move buffers you are done with, or have them
 * moved back. A refused send (-1, -2) leaves the range as it was. */
TESSERA_IMPORT("send_move") int32_t tessera_send_move(tessera_task_t to, int32_t tag, void *data, int32_t length);

/* The kernel's default move unit on x86-64 and 4 KiB-page AArch64 hosts: a large page. */
#define TESSERA_MOVE_ALIGN 0x200000

/* Waits for the oldest message with the tag (TESSERA_ANY_TAG: any), at most timeout_ms
 * milliseconds (-1: forever, 0: do not wait); copies up to capacity bytes of it into buffer and
 * returns its length, or TESSERA_TIMEOUT. All of [buffer, buffer + capacity) must be memory, or
 * the task traps. */
TESSERA_IMPORT("receive") int32_t tessera_receive(int32_t tag, void *buffer, int32_t capacity, int64_t timeout_ms, tessera_message_info_t *info);

/* A message of one int64_t, and its receive: the value, or TESSERA_VALUE_TIMEOUT. */
TESSERA_IMPORT("send_value") int32_t tessera_send_value(tessera_task_t to, int32_t tag, int64_t value);
TESSERA_IMPORT("receive_value") int64_t tessera_receive_value(int32_t tag, int64_t timeout_ms);

/* Suspends this task for at least the given time. */
TESSERA_IMPORT("sleep") void tessera_sleep(int64_t milliseconds);

/* Lets every other runnable task run first. */
TESSERA_IMPORT("yield") void tessera_yield(void);

/* Kills a task; running, it stops at its next function entry or loop head. */
TESSERA_IMPORT("kill") int32_t tessera_kill(tessera_task_t task);

/* This task receives a TESSERA_DOWN_TAG notice (a tessera_down_t) when task ends. */
TESSERA_IMPORT("monitor") int32_t tessera_monitor(tessera_task_t task);

/* When either task ends abnormally, the other is killed. */
TESSERA_IMPORT("link") int32_t tessera_link(tessera_task_t task);

/* Names this task (at most 256 bytes: a longer name or one taken is -3), and finds a task by
 * name (0: none). */
TESSERA_IMPORT("register") int32_t tessera_register(const char *name, int32_t length);
TESSERA_IMPORT("whereis") tessera_task_t tessera_whereis(const char *name, int32_t length);

#endif
