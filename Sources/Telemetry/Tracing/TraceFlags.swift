/// The trace-flags byte of W3C trace context.
public struct TraceFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    @inlinable
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// The caller may have recorded the trace: downstream services should record it too.
    @inlinable
    public static var sampled: TraceFlags { TraceFlags(rawValue: 0x01) }
}
