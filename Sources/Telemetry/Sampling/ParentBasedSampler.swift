/// Follows the parent's decision when there is a parent and asks `root` otherwise.
///
/// The five delegates are the specification's: one for root spans and one for each
/// combination of remote or local parent, sampled or not.
public struct ParentBasedSampler: Sampler {
    /// Decides for spans without a parent.
    public let root: any Sampler
    /// Decides when the parent is remote and sampled (default: always on).
    public let remoteParentSampled: any Sampler
    /// Decides when the parent is remote and not sampled (default: always off).
    public let remoteParentNotSampled: any Sampler
    /// Decides when the parent is local and sampled (default: always on).
    public let localParentSampled: any Sampler
    /// Decides when the parent is local and not sampled (default: always off).
    public let localParentNotSampled: any Sampler

    /// Creates the sampler.
    public init(
        root: any Sampler, remoteParentSampled: any Sampler = AlwaysOnSampler(),
        remoteParentNotSampled: any Sampler = AlwaysOffSampler(), localParentSampled: any Sampler = AlwaysOnSampler(),
        localParentNotSampled: any Sampler = AlwaysOffSampler()
    ) {
        self.root = root
        self.remoteParentSampled = remoteParentSampled
        self.remoteParentNotSampled = remoteParentNotSampled
        self.localParentSampled = localParentSampled
        self.localParentNotSampled = localParentNotSampled
    }

    public func shouldSample(
        parentContext: SpanContext?, traceID: TraceID, name: String, kind: SpanKind,
        attributes: SpanAttributes, links: [SpanLink]
    ) -> SamplingResult {
        let delegate: any Sampler
        switch (parentContext, parentContext?.isRemote, parentContext?.isSampled) {
        case (nil, _, _): delegate = root
        case (_, true, true): delegate = remoteParentSampled
        case (_, true, _): delegate = remoteParentNotSampled
        case (_, _, true): delegate = localParentSampled
        default: delegate = localParentNotSampled
        }
        return delegate.shouldSample(
            parentContext: parentContext, traceID: traceID, name: name, kind: kind, attributes: attributes,
            links: links)
    }

    public var description: String {
        "ParentBased{root:\(root),remoteParentSampled:\(remoteParentSampled),"
            + "remoteParentNotSampled:\(remoteParentNotSampled),localParentSampled:\(localParentSampled),"
            + "localParentNotSampled:\(localParentNotSampled)}"
    }
}
