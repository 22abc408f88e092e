/// Samples a fixed fraction of traces, deciding from the trace id alone so that every service
/// using the same ratio makes the same decision for the same trace.
///
/// The decision reads the last 8 bytes of the trace id as a big-endian number, drops its lowest
/// bit, and samples when the remaining 63-bit value is below `ratio × 2⁶³`: the rule the Go and
/// Java SDKs use, so mixed-language services agree too.
public struct TraceIDRatioSampler: Sampler {
    /// The fraction of traces sampled, in [0, 1].
    public let ratio: Double
    private let bound: UInt64

    /// Creates the sampler; `ratio` is clamped to [0, 1].
    public init(ratio: Double) {
        let clamped = ratio.isNaN ? 0 : min(max(ratio, 0), 1)
        self.ratio = clamped
        bound = clamped >= 1 ? UInt64.max : UInt64(clamped * 9_223_372_036_854_775_808.0)
    }

    /// Whether `traceID` falls in the sampled fraction.
    public func samples(_ traceID: TraceID) -> Bool {
        traceID.low >> 1 < bound
    }

    public func shouldSample(
        parentContext: SpanContext?, traceID: TraceID, name: String, kind: SpanKind,
        attributes: SpanAttributes, links: [SpanLink]
    ) -> SamplingResult {
        SamplingResult(samples(traceID) ? .recordAndSample : .drop)
    }

    public var description: String { "TraceIdRatioBased{\(ratio)}" }
}
