#include "thread_clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

_Thread_local telemetry_clock_anchor telemetry_thread_clock;

/// -1 before the first read decides; then 0 (kernel reads only) or 1 (the counter).
static atomic_int uses_counter = -1;
/// The last rate any thread calibrated, so that a new thread extrapolates from its first
/// anchor instead of calibrating its own.
static _Atomic uint64_t shared_rate_q32;

static uint64_t read_clock(clockid_t clock) {
    struct timespec now;
    clock_gettime(clock, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/// Whether the kernel keeps time with the time-stamp counter: then the counter runs at a
/// constant rate and agrees between cores (the kernel checked), and reading it is cheap (a
/// hypervisor does not trap it, or the kernel would not use it).
static int kernel_uses_counter(void) {
#if defined(__x86_64__) && defined(__linux__)
    FILE *file = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
    if (!file) return 0;
    char name[32] = {0};
    int found = fgets(name, sizeof name, file) != NULL && strcmp(name, "tsc\n") == 0;
    fclose(file);
    return found;
#else
    return 0;
#endif
}

int telemetry_thread_clock_uses_counter(void) {
    int decided = atomic_load_explicit(&uses_counter, memory_order_relaxed);
    if (decided < 0) {
        decided = kernel_uses_counter();
        atomic_store_explicit(&uses_counter, decided, memory_order_relaxed);
    }
    return decided;
}

uint64_t telemetry_thread_clock_rate(uint64_t ticks, uint64_t wall_ns, uint64_t raw_ns) {
    if (ticks == 0 || raw_ns == 0) return 0;
    // The wall clock moved as the raw one did (within 0.1%, far more than any slew): its
    // rate; otherwise it was stepped, and the raw clock's rate stands.
    uint64_t difference = wall_ns > raw_ns ? wall_ns - raw_ns : raw_ns - wall_ns;
    uint64_t ns = difference <= raw_ns / 1000 ? wall_ns : raw_ns;
    unsigned __int128 rate = ((unsigned __int128)ns << 32) / ticks;
    // 0.1 to 10 ns per tick: a counter between 10 GHz and 100 MHz.
    if (rate < ((unsigned __int128)1 << 32) / 10 || rate > ((unsigned __int128)10 << 32)) return 0;
    return (uint64_t)rate;
}

#if defined(__x86_64__)
/// Reads the wall and raw clocks and the counter as close together as it can: the counter
/// before and after the two kernel reads, and the ticks taken at the midpoint. A preemption or
/// an interrupt (or a virtual machine's pause) among them makes an anchor whose ticks and time
/// disagree, which would shift a whole window and, through the rate, every thread's reads: such
/// reads are taken again, and after four interrupted tries there is no anchor (returns 0).
static int read_anchor(telemetry_clock_anchor *anchor) {
    for (int attempt = 0; attempt < 4; attempt++) {
        uint64_t before = __builtin_ia32_rdtsc();
        anchor->wall_ns = read_clock(CLOCK_REALTIME);
        anchor->raw_ns = read_clock(CLOCK_MONOTONIC_RAW);
        uint64_t after = __builtin_ia32_rdtsc();
        anchor->ticks = before + (after - before) / 2;
        if (after - before < TELEMETRY_CLOCK_ANCHOR_TICKS) return 1;
    }
    return 0;
}
#endif

uint64_t telemetry_thread_clock_renew(void) {
#if defined(__x86_64__)
    if (!telemetry_thread_clock_uses_counter()) return read_clock(CLOCK_REALTIME);
    telemetry_clock_anchor *anchor = &telemetry_thread_clock;
    telemetry_clock_anchor next;
    // No trustworthy anchor this time: the kernel's time, and the next read tries again.
    if (!read_anchor(&next)) return next.wall_ns;
    uint64_t rate = atomic_load_explicit(&shared_rate_q32, memory_order_relaxed);
    if (anchor->ticks != 0 && next.ticks > anchor->ticks) {
        uint64_t elapsed = next.ticks - anchor->ticks;
        if (elapsed >= TELEMETRY_CLOCK_CALIBRATION_TICKS) {
            uint64_t measured =
                telemetry_thread_clock_rate(elapsed, next.wall_ns - anchor->wall_ns, next.raw_ns - anchor->raw_ns);
            if (measured != 0) {
                rate = measured;
                atomic_store_explicit(&shared_rate_q32, rate, memory_order_relaxed);
            } else if (rate == 0) {
                // Never a plausible rate: not a counter to keep time with. The kernel, from now on.
                atomic_store_explicit(&uses_counter, 0, memory_order_relaxed);
                return next.wall_ns;
            }
        } else if (anchor->ns_per_tick_q32 == 0 && rate == 0) {
            // Too soon to calibrate: keep the first anchor, so that the interval grows.
            return next.wall_ns;
        }
    }
    next.ns_per_tick_q32 = rate;
    *anchor = next;
    return next.wall_ns;
#else
    return read_clock(CLOCK_REALTIME);
#endif
}
