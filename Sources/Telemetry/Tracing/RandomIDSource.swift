import CLowLevel

/// The source of trace and span ids: SplitMix64 with one state per thread, seeded from the
/// system's random number generator on the thread's first id.
///
/// A few multiplications per id, with no atomic operation, no lock and no system call
/// (`SystemRandomNumberGenerator` is a `getrandom` call per value on Linux; one shared atomic
/// counter cost a locked instruction per id, the largest part of an unsampled span). The ids are
/// unpredictable enough for tracing, as the W3C recommends, but are not a secret.
@usableFromInline
enum RandomIDSource {
    /// The next random 64-bit value.
    @inlinable
    static func next() -> UInt64 {
        telemetry_thread_random()
    }

    /// The next random value that is not zero (an all-zero id is invalid in W3C trace context).
    @inlinable
    static func nextNonZero() -> UInt64 {
        while true {
            let value = next()
            if value != 0 { return value }
        }
    }

    /// The ids of a new trace and its root span.
    @inlinable
    static func newTrace() -> (TraceID, SpanID) {
        (TraceID(high: next(), low: nextNonZero()), SpanID(nextNonZero()))
    }
}
