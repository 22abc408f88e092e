import Synchronization

/// The source of trace and span ids: SplitMix64 over one atomic counter seeded from the system's
/// random number generator at first use.
///
/// One relaxed atomic add and a few multiplications per id, with no lock and no system call
/// (`SystemRandomNumberGenerator` is a `getrandom` call per value on Linux). The ids are
/// unpredictable enough for tracing, as the W3C recommends, but are not a secret.
enum RandomIDSource {
    private static let counter = Atomic<UInt64>(seed())
    /// SplitMix64's step between states.
    private static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The next random 64-bit value.
    @inline(__always)
    static func next() -> UInt64 {
        mix(counter.wrappingAdd(gamma, ordering: .relaxed).newValue)
    }

    /// The ids of a new trace and its root span, from one atomic step of three states.
    @inline(__always)
    static func newTrace() -> (TraceID, SpanID) {
        let last = counter.wrappingAdd(3 &* gamma, ordering: .relaxed).newValue
        let traceID = TraceID(high: mix(last &- 2 &* gamma), low: mix(last &- gamma))
        let spanID = mix(last)
        // Each is zero for one state in 2^64: draw again rather than return an invalid id.
        guard traceID.isValid, spanID != 0 else { return (TraceID.random(), SpanID.random()) }
        return (traceID, SpanID(spanID))
    }

    @inline(__always)
    private static func mix(_ state: UInt64) -> UInt64 {
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// The next random value that is not zero (an all-zero id is invalid in W3C trace context).
    @inline(__always)
    static func nextNonZero() -> UInt64 {
        while true {
            let value = next()
            if value != 0 { return value }
        }
    }

    private static func seed() -> UInt64 {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }
}
