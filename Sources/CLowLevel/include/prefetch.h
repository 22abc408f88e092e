#ifndef TELEMETRY_PREFETCH_H
#define TELEMETRY_PREFETCH_H

/// Asks this core to fetch the cache lines of `length` bytes at `address` for writing, without
/// waiting for them (a hint: it never faults, and the program does not stall on it). The thread
/// starting spans uses it on the recorder it will use next, whose lines the export task wrote
/// on the other core.
static inline void telemetry_prefetch_for_write(const void *address, unsigned long length) {
    const char *bytes = (const char *)address;
    for (unsigned long offset = 0; offset < length; offset += 64) {
#if defined(__x86_64__)
        // PREFETCHW: x86-64 compilers emit it for __builtin_prefetch only when told the CPU has
        // it; CPUs without it execute the encoding as a no-op.
        __asm__ volatile("prefetchw %0" : : "m"(bytes[offset]));
#else
        __builtin_prefetch(bytes + offset, 1, 3);
#endif
    }
}

#endif
