import CLowLevel

/// The clock span timestamps come from: wall time in nanoseconds since the Unix epoch, as
/// `WallClock.nanoseconds()` gives, but cheaper to read.
///
/// Where the kernel itself keeps time with the CPU's time-stamp counter (x86-64 Linux with
/// clock source `tsc`), each thread anchors the counter to the wall clock once per few tens
/// of milliseconds and extrapolates between anchors: a counter read and a multiplication
/// instead of a `clock_gettime` call (measured: 10 ns against 24 ns here, two per span). The
/// anchor's renewal follows steps and slews of the system clock; the rate is measured between
/// anchors, against `CLOCK_MONOTONIC_RAW` when the wall clock was stepped. Elsewhere every read
/// is `clock_gettime(CLOCK_REALTIME)`. See `Sources/CLowLevel/include/thread_clock.h`.
@usableFromInline
enum SpanClock {
    /// Nanoseconds since the Unix epoch.
    @usableFromInline
    static func nanoseconds() -> UInt64 {
        telemetry_thread_clock_now()
    }

    /// Whether reads extrapolate from the time-stamp counter on this machine.
    static var usesCounter: Bool { telemetry_thread_clock_uses_counter() != 0 }

    /// The counter's rate (32.32 fixed-point nanoseconds per tick) the clock takes from two
    /// anchors `ticks` apart whose wall and raw clocks moved by `wallNanoseconds` and
    /// `rawNanoseconds`; 0 when implausible.
    static func rate(ticks: UInt64, wallNanoseconds: UInt64, rawNanoseconds: UInt64) -> UInt64 {
        telemetry_thread_clock_rate(ticks, wallNanoseconds, rawNanoseconds)
    }
}
