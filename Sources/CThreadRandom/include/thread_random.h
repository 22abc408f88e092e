#ifndef TELEMETRY_THREAD_RANDOM_H
#define TELEMETRY_THREAD_RANDOM_H

#include <stdint.h>

/// The next value of this thread's SplitMix64 generator, seeded from the system's random
/// source on the thread's first call. No atomic operation and no lock: each thread has its own
/// state (C11 thread-local storage, which Swift cannot declare).
uint64_t telemetry_thread_random(void);

#endif
