import Synchronization

/// What every tracer of one provider shares: resource, sampler, limits and processors.
final class TracerPipeline: Sendable {
    let resource: Resource
    let sampler: any Sampler
    let limits: SpanLimits
    let processors: [any SpanProcessor]
    private let stopped = Atomic<Bool>(false)

    init(resource: Resource, sampler: any Sampler, limits: SpanLimits, processors: [any SpanProcessor]) {
        self.resource = resource
        self.sampler = sampler
        self.limits = limits
        self.processors = processors
    }

    /// Whether `shutdown` was called: new spans are then not recorded.
    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// Marks the pipeline stopped; returns false when it already was.
    func stop() -> Bool {
        !stopped.exchange(true, ordering: .acquiringAndReleasing)
    }
}
