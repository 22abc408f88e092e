/// Records and samples every span.
public struct AlwaysOnSampler: Sampler {
    /// Creates the sampler.
    public init() {}

    public func shouldSample(
        parentContext: SpanContext?, traceID: TraceID, name: String, kind: SpanKind,
        attributes: SpanAttributes, links: [SpanLink]
    ) -> SamplingResult {
        SamplingResult(.recordAndSample)
    }

    public var description: String { "AlwaysOnSampler" }
}

/// Drops every span.
public struct AlwaysOffSampler: Sampler {
    /// Creates the sampler.
    public init() {}

    public func shouldSample(
        parentContext: SpanContext?, traceID: TraceID, name: String, kind: SpanKind,
        attributes: SpanAttributes, links: [SpanLink]
    ) -> SamplingResult {
        SamplingResult(.drop)
    }

    public var description: String { "AlwaysOffSampler" }
}
