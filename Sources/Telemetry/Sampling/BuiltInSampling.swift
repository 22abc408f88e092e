/// The decision of a built-in sampler whose answer depends on nothing but the parent's sampled
/// flag (always on, always off, and parent-based over either with the default delegates),
/// worked out once when the pipeline is built.
///
/// Starting a span under such a sampler needs no call through the `Sampler` existential and no
/// `SamplingResult`: these samplers add no attributes and keep the parent's trace state.
@usableFromInline
enum BuiltInSampling: Sendable, Equatable {
    /// Every span gets this decision.
    case always(SamplingDecision)
    /// A child follows its parent's sampled flag; a root span gets `root`.
    case parentBased(root: SamplingDecision)

    /// The shortcut for `sampler`, or nil when it has to be asked span by span.
    init?(_ sampler: any Sampler) {
        if let decision = Self.fixedDecision(sampler) {
            self = .always(decision)
            return
        }
        guard let parentBased = sampler as? ParentBasedSampler,
            let root = Self.fixedDecision(parentBased.root),
            Self.fixedDecision(parentBased.remoteParentSampled) == .recordAndSample,
            Self.fixedDecision(parentBased.localParentSampled) == .recordAndSample,
            Self.fixedDecision(parentBased.remoteParentNotSampled) == .drop,
            Self.fixedDecision(parentBased.localParentNotSampled) == .drop
        else { return nil }
        self = .parentBased(root: root)
    }

    /// The decision for a span whose (valid) parent is `parent`, or a root span.
    @inlinable
    func decision(parent: SpanContext?) -> SamplingDecision {
        switch self {
        case .always(let decision): return decision
        case .parentBased(let root):
            guard let parent else { return root }
            return parent.isSampled ? .recordAndSample : .drop
        }
    }

    private static func fixedDecision(_ sampler: any Sampler) -> SamplingDecision? {
        switch sampler {
        case is AlwaysOnSampler: return .recordAndSample
        case is AlwaysOffSampler: return .drop
        default: return nil
        }
    }
}
