#ifndef TELEMETRY_THREAD_CLOCK_H
#define TELEMETRY_THREAD_CLOCK_H

#include <stdint.h>

/// A wall clock for span timestamps that reads the CPU's time-stamp counter instead of asking
/// the kernel on every call.
///
/// Each thread anchors the counter to `CLOCK_REALTIME` (one `clock_gettime` and one counter
/// read) and, until the anchor is older than `TELEMETRY_CLOCK_WINDOW_TICKS`, extrapolates:
/// the anchor's wall time plus the ticks since, at the rate the last anchors measured. The
/// anchor is renewed when it is that old, so a step or a slew of the system clock shows within
/// one window (a few tens of milliseconds). Used only where the kernel itself keeps time with
/// the counter (clock source `tsc`, so the counter is invariant and synchronised between
/// cores) on x86-64; everywhere else every read is `clock_gettime(CLOCK_REALTIME)`.
typedef struct {
    /// `CLOCK_REALTIME` at the anchor, nanoseconds since the Unix epoch.
    uint64_t wall_ns;
    /// `CLOCK_MONOTONIC_RAW` at the anchor (never stepped or slewed: tells a clock step from
    /// the counter's rate).
    uint64_t raw_ns;
    /// The counter at the anchor; 0 before the thread's first read.
    uint64_t ticks;
    /// Nanoseconds per tick in 32.32 fixed point; 0 until calibrated.
    uint64_t ns_per_tick_q32;
} telemetry_clock_anchor;

/// This thread's anchor (C11 thread-local storage, which Swift cannot declare).
extern _Thread_local telemetry_clock_anchor telemetry_thread_clock;

/// How long an anchor serves: 2^26 ticks, 27 ms at 2.5 GHz. Small enough that the product of
/// the ticks and the rate cannot overflow.
#define TELEMETRY_CLOCK_WINDOW_TICKS (UINT64_C(1) << 26)
/// The fewest ticks between two anchors that calibrate the rate: 6.7 ms at 2.5 GHz, so that
/// an anchor's own uncertainty (the tens of nanoseconds its reads take) is a few parts in
/// a million of it. Until then a thread reads the kernel's clock; later anchors, a window or
/// more apart, calibrate the rate again.
#define TELEMETRY_CLOCK_CALIBRATION_TICKS (UINT64_C(1) << 24)
/// The most ticks the reads of an anchor may take (1.6 µs at 2.5 GHz; they take about 60 ns):
/// more means the thread was interrupted among them, and they are read again.
#define TELEMETRY_CLOCK_ANCHOR_TICKS (UINT64_C(1) << 12)

/// Renews this thread's anchor and returns `CLOCK_REALTIME` in nanoseconds; the path of every
/// read where the counter is not used.
uint64_t telemetry_thread_clock_renew(void);

/// Whether this process extrapolates from the counter (decided once, on the first read).
int telemetry_thread_clock_uses_counter(void);

/// The counter's rate in 32.32 fixed-point nanoseconds per tick from two anchors `ticks`
/// apart, `wall_ns` apart in `CLOCK_REALTIME` and `raw_ns` apart in `CLOCK_MONOTONIC_RAW`:
/// the wall clock's rate (so a slewed clock is followed), or the raw clock's when the wall
/// clock was stepped between them (the two differ by more than 0.1%); 0 when neither is
/// plausible (a counter between 100 MHz and 10 GHz).
uint64_t telemetry_thread_clock_rate(uint64_t ticks, uint64_t wall_ns, uint64_t raw_ns);

/// Nanoseconds since the Unix epoch (`CLOCK_REALTIME`), from the counter where it serves.
static inline uint64_t telemetry_thread_clock_now(void) {
#if defined(__x86_64__)
    const telemetry_clock_anchor *anchor = &telemetry_thread_clock;
    // No rate: not calibrated yet, or not a machine to use the counter on (then no counter read).
    if (__builtin_expect(anchor->ns_per_tick_q32 != 0, 1)) {
        // Unsigned: a counter behind the anchor (another core's, a hair behind) wraps to a huge
        // value and renews the anchor.
        uint64_t elapsed = __builtin_ia32_rdtsc() - anchor->ticks;
        if (__builtin_expect(elapsed < TELEMETRY_CLOCK_WINDOW_TICKS, 1)) {
            return anchor->wall_ns + ((elapsed * anchor->ns_per_tick_q32) >> 32);
        }
    }
#endif
    return telemetry_thread_clock_renew();
}

#endif
