/* Device waits for driver tasks: the import module "tessera_device" (docs/abi.md).
 *
 * A driver task is granted interrupt lines by whoever spawns it (the host's SpawnOptions.Devices;
 * tasks it spawns get none), numbered from 0. tessera_device_wait suspends the task until the line
 * has been raised: while it waits it holds no thread, the kernel's IO reactor watches the line. */
#ifndef TESSERA_DEVICE_H
#define TESSERA_DEVICE_H

#include <stdint.h>

#define TESSERA_DEVICE_IMPORT(name) __attribute__((import_module("tessera_device"), import_name(name)))

/* wait's results besides a count. */
#define TESSERA_DEVICE_TIMEOUT (-1)
#define TESSERA_NO_SUCH_LINE (-4)

/* How many interrupt lines this task holds. */
TESSERA_DEVICE_IMPORT("lines") int32_t tessera_device_lines(void);

/* Waits at most timeout_ms milliseconds (-1: forever, 0: do not wait) for the line to be raised;
 * returns how many times it was raised since its count was last taken (at least 1: raises that
 * come between two waits are counted, not lost; tasks sharing a line share its count),
 * TESSERA_DEVICE_TIMEOUT, or TESSERA_NO_SUCH_LINE (a line this task does not hold, or one
 * unplugged). */
TESSERA_DEVICE_IMPORT("wait") int64_t tessera_device_wait(int32_t line, int64_t timeout_ms);

#endif
