/// Decides, when a span starts, whether it is recorded and whether it is sampled (exported and
/// marked sampled for downstream services).
public protocol Sampler: Sendable, CustomStringConvertible {
    /// The decision for a span about to start.
    ///
    /// - Parameters:
    ///   - parentContext: The parent's context, or nil for a root span.
    ///   - traceID: The trace id the span will have (the parent's, or a new one).
    ///   - name, kind, attributes, links: What the span starts with.
    func shouldSample(
        parentContext: SpanContext?, traceID: TraceID, name: String, kind: SpanKind,
        attributes: SpanAttributes, links: [SpanLink]
    ) -> SamplingResult
}

/// What a sampler decided.
public enum SamplingDecision: Sendable, Hashable {
    /// Neither recorded nor sampled: the span is a context carrier only.
    case drop
    /// Recorded (processors see it) but not sampled: not exported, sampled flag unset.
    case recordOnly
    /// Recorded and sampled: exported, and the sampled flag goes downstream.
    case recordAndSample
}

/// A sampler's decision, with attributes to add to the span and optionally a new trace state.
public struct SamplingResult: Sendable, Hashable {
    /// The decision.
    public var decision: SamplingDecision
    /// Attributes the sampler adds to the span.
    public var attributes: SpanAttributes
    /// The trace state for the new span; nil keeps the parent's.
    public var traceState: TraceState?

    /// Creates a result.
    public init(_ decision: SamplingDecision, attributes: SpanAttributes = [:], traceState: TraceState? = nil) {
        self.decision = decision
        self.attributes = attributes
        self.traceState = traceState
    }
}
