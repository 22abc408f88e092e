import Synchronization

/// What every tracer of one provider shares: resource, sampler, limits and processors, and the
/// recorders of exported spans waiting to be reused.
@usableFromInline
final class TracerPipeline: Sendable {
    let resource: Resource
    let sampler: any Sampler
    /// The sampler's decision when it is a built-in one that needs no call (see `BuiltInSampling`).
    @usableFromInline let builtInSampling: BuiltInSampling?
    let limits: SpanLimits
    let processors: [any SpanProcessor]
    /// The processor, when it is the only one and a batch processor: ended spans are then handed
    /// over as their recorders, without copying their data, and the recorders come back for
    /// reuse once exported.
    let soleBatchProcessor: BatchSpanProcessor?
    private let stopped = Atomic<Bool>(false)
    /// Recorders whose spans were exported and that nothing else references.
    private let spareRecorders = SpinLocked(SpareRecorders())

    /// At most this many spare recorders are kept (the batch queue's default size).
    static let maximumSpareRecorders = 2048

    init(resource: Resource, sampler: any Sampler, limits: SpanLimits, processors: [any SpanProcessor]) {
        self.resource = resource
        self.sampler = sampler
        builtInSampling = BuiltInSampling(sampler)
        self.limits = limits
        self.processors = processors
        soleBatchProcessor = processors.count == 1 ? processors.first as? BatchSpanProcessor : nil
    }

    /// Whether `shutdown` was called: new spans are then not recorded.
    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// Marks the pipeline stopped; returns false when it already was.
    func stop() -> Bool {
        let first = !stopped.exchange(true, ordering: .acquiringAndReleasing)
        // Spare recorders refer back to the pipeline: let both go.
        spareRecorders.withLock { $0 = SpareRecorders() }
        return first
    }

    /// A recorder for a new span: a spare one when there is one.
    @inline(__always)
    func makeRecorder() -> SpanRecorder {
        spareRecorders.withLock { $0.take() } ?? SpanRecorder(pipeline: self)
    }

    /// How many spare recorders are waiting.
    var spareRecorderCount: Int { spareRecorders.withLock { $0.count } }

    /// Keeps `recorders` (cleared, referenced by nothing else) for later spans.
    ///
    /// The array itself is moved into the pool, never copied: a reference the caller still
    /// held after the lock was released would make the pool's copy shared, and the first
    /// `take` would then copy the whole batch (measured: 4% of the span thread).
    func keepSpare(_ recorders: consuming [SpareRecorders.Entry]) {
        guard !isStopped else { return }
        var handed: [SpareRecorders.Entry]? = consume recorders
        spareRecorders.withLock { $0.keep(handed.take() ?? [], upTo: Self.maximumSpareRecorders) }
    }
}
