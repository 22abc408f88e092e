#ifndef TELEMETRY_THREAD_RANDOM_H
#define TELEMETRY_THREAD_RANDOM_H

#include <stdint.h>

/// This thread's SplitMix64 state and whether it has been seeded (C11 thread-local storage,
/// which Swift cannot declare).
extern _Thread_local uint64_t telemetry_thread_random_state;
extern _Thread_local int telemetry_thread_random_seeded;

/// Seeds this thread's state from the system's random source.
void telemetry_thread_random_seed(void);

/// The next value of this thread's SplitMix64 generator, seeded on the thread's first call. No
/// atomic operation and no lock: each thread has its own state. Inline, so that Swift callers
/// pay a thread-local load and a few multiplications.
static inline uint64_t telemetry_thread_random(void) {
    if (__builtin_expect(!telemetry_thread_random_seeded, 0)) telemetry_thread_random_seed();
    uint64_t value = (telemetry_thread_random_state += 0x9E3779B97F4A7C15u);
    value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9u;
    value = (value ^ (value >> 27)) * 0x94D049BB133111EBu;
    return value ^ (value >> 31);
}

#endif
