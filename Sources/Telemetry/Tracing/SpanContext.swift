/// What identifies a span and travels with it across process boundaries: trace id, span id,
/// trace flags and trace state, plus whether it came from another process.
public struct SpanContext: Sendable, Hashable {
    /// The trace the span belongs to.
    public let traceID: TraceID
    /// The span itself.
    public let spanID: SpanID
    /// The W3C trace flags; `.sampled` when the span is being recorded and exported.
    public let traceFlags: TraceFlags
    /// Vendor data from the `tracestate` header.
    public let traceState: TraceState
    /// Whether the context was extracted from a request (created in another process).
    public let isRemote: Bool

    /// Creates a span context.
    @inlinable
    public init(
        traceID: TraceID, spanID: SpanID, traceFlags: TraceFlags = [], traceState: TraceState = TraceState(),
        isRemote: Bool = false
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.traceFlags = traceFlags
        self.traceState = traceState
        self.isRemote = isRemote
    }

    /// Whether both ids are valid; an invalid context is treated as no parent at all.
    @inlinable
    public var isValid: Bool { traceID.isValid && spanID.isValid }

    /// Whether the sampled flag is set.
    @inlinable
    public var isSampled: Bool { traceFlags.contains(.sampled) }
}
