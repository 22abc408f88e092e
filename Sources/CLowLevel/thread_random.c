#include "thread_random.h"

#include <time.h>
#if defined(__APPLE__)
#include <unistd.h>
#else
#include <sys/random.h>
#endif

/// Fills `value` from the system's random source; 0 when it has none to give.
static int system_random(uint64_t *value) {
#if defined(__APPLE__)
    return getentropy(value, sizeof *value) == 0;
#else
    return getrandom(value, sizeof *value, 0) == (ssize_t)sizeof *value;
#endif
}

_Thread_local uint64_t telemetry_thread_random_state;
_Thread_local int telemetry_thread_random_seeded;

void telemetry_thread_random_seed(void) {
    uint64_t value = 0;
    if (!system_random(&value)) {
        // No entropy source: the clock and this thread's own address still differ per thread.
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        value = ((uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec)
            ^ (uint64_t)(uintptr_t)&telemetry_thread_random_state;
    }
    telemetry_thread_random_state = value;
    telemetry_thread_random_seeded = 1;
}
