#include "thread_random.h"

#include <sys/random.h>
#include <time.h>

static _Thread_local uint64_t state;
static _Thread_local int seeded;

static void seed(void) {
    uint64_t value = 0;
    if (getrandom(&value, sizeof value, 0) != (ssize_t)sizeof value) {
        // No entropy source: the clock and this thread's own address still differ per thread.
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        value = ((uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec) ^ (uint64_t)(uintptr_t)&state;
    }
    state = value;
    seeded = 1;
}

uint64_t telemetry_thread_random(void) {
    if (!seeded) seed();
    state += 0x9E3779B97F4A7C15u;
    uint64_t value = state;
    value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9u;
    value = (value ^ (value >> 27)) * 0x94D049BB133111EBu;
    return value ^ (value >> 31);
}
