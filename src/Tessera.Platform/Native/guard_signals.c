/*
 * Guard-page traps for Tessera's linear memories (Tessera.Platform.Memory.GuardRegions).
 *
 * With guard pages, generated code loads and stores linear memory without comparing the address
 * against the memory's length: every memory sits at the start of a reservation large enough for
 * any 32-bit address plus offset, and everything past the memory's length is PROT_NONE, so an
 * out-of-bounds access faults. The .NET runtime turns a fault in managed code into a catchable
 * NullReferenceException only when the faulting address is in the first page; any other address
 * ends the process. This handler, installed after the runtime's, recognises faults inside a
 * registered guard region, records the address for the faulting thread, rewrites the address the
 * runtime will read to 0 and hands the signal to the runtime's handler, which raises the
 * exception at the faulting instruction. The engine turns that exception into a WebAssembly trap
 * when the thread has a recorded fault. Every other signal is passed on untouched.
 *
 * Everything the handler touches is async-signal-safe: fixed arrays published with release
 * stores, and a thread-local in the initial-exec TLS model (a plain %fs-relative access that
 * never allocates; dlopen refuses the library if no static TLS is left, and the engine then keeps
 * explicit bounds checks).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MAX_REGIONS 4096

static uintptr_t region_start[MAX_REGIONS];
static uintptr_t region_length[MAX_REGIONS];
static int region_count;
static int installed;
static struct sigaction previous;
static __thread uintptr_t fault_address __attribute__((tls_model("initial-exec")));

static int in_guard_region(uintptr_t address)
{
    int count = __atomic_load_n(&region_count, __ATOMIC_ACQUIRE);
    for (int i = 0; i < count; i++)
    {
        if (address - region_start[i] < region_length[i]) return 1;
    }
    return 0;
}

static void on_segv(int signal_number, siginfo_t *info, void *context)
{
    uintptr_t address = (uintptr_t)info->si_addr;
    if (in_guard_region(address))
    {
        fault_address = address;
        info->si_addr = NULL;
    }
    if (previous.sa_flags & SA_SIGINFO)
    {
        previous.sa_sigaction(signal_number, info, context);
        return;
    }
    if (previous.sa_handler == SIG_IGN) return;
    if (previous.sa_handler == SIG_DFL)
    {
        /* Returning re-executes the faulting instruction, which then takes the default action. */
        struct sigaction fallback;
        memset(&fallback, 0, sizeof fallback);
        fallback.sa_handler = SIG_DFL;
        sigaction(signal_number, &fallback, NULL);
        return;
    }
    previous.sa_handler(signal_number);
}

/* Installs the handler in front of the current one (once). 0 on success; -1 if the current
 * handler is not a three-argument one (the .NET runtime's is), -2 if sigaction failed. */
int tessera_guard_install(void)
{
    if (__atomic_load_n(&installed, __ATOMIC_ACQUIRE)) return 0;
    struct sigaction current;
    if (sigaction(SIGSEGV, NULL, &current) != 0) return -2;
    if (!(current.sa_flags & SA_SIGINFO)) return -1;
    previous = current;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_segv;
    action.sa_mask = current.sa_mask;
    /* The runtime's flags (SA_ONSTACK above all: a stack overflow is handled on the alternate
     * stack) so that its handler runs exactly as it would have. */
    action.sa_flags = current.sa_flags | SA_SIGINFO;
    if (sigaction(SIGSEGV, &action, NULL) != 0) return -2;
    __atomic_store_n(&installed, 1, __ATOMIC_RELEASE);
    return 0;
}

/* Adds [start, start + length) to the guard regions. Callers serialise additions; the handler
 * may read concurrently. 0 on success, -1 when the table is full. Regions are never removed:
 * the engine keeps their reservations for reuse. */
int tessera_guard_add_region(uintptr_t start, uintptr_t length)
{
    int count = __atomic_load_n(&region_count, __ATOMIC_RELAXED);
    if (count >= MAX_REGIONS) return -1;
    region_start[count] = start;
    region_length[count] = length;
    __atomic_store_n(&region_count, count + 1, __ATOMIC_RELEASE);
    return 0;
}

/* The guard-region address this thread last faulted on, or 0; clears it. */
uintptr_t tessera_guard_take_fault(void)
{
    uintptr_t address = fault_address;
    fault_address = 0;
    return address;
}
