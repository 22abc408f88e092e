import CLowLevel

/// The mutable state behind a recording span: locked because a span may be updated from several
/// tasks, ended exactly once.
///
/// Under a sole batch processor a recorder travels through the processor's queue itself when its
/// span ends (the data is copied once, on the export task, not on the application's thread),
/// and once exported, if no `Span` refers to it any more, it is cleared and reused for a later
/// span with its attribute storage: a span then costs no allocation.
@usableFromInline
final class SpanRecorder: @unchecked Sendable {
    // Sendable: `state` is touched under `lock`, or where no other thread can reach it or write
    // to it (`begin`, `endedData` and `clear` say why).
    private struct State {
        var data: SpanData
        var ended: Bool
    }

    /// How `end` went.
    private enum Ending {
        case alreadyEnded
        /// Ended now; the data goes to the processors.
        case ended(SpanData)
        /// Ended now; the recorder goes to the sole batch processor (when sampled).
        case handedOver(sampled: Bool)
    }

    /// Held around the uses of `state` while the span can be reached from other threads (a spin
    /// lock: a span takes it four times, with next to no contention). Kept in the recorder
    /// rather than in a `SpinLocked` box: one allocation for a new recorder, not two.
    private let lock = SpinLock()
    @exclusivity(unchecked) private var state: State
    /// Nil for a recorder that only carries an ended span into a batch processor's queue.
    let pipeline: TracerPipeline?
    /// The pipeline's limits, kept here so that recording needs no other object.
    private let limits: SpanLimits
    /// The pipeline's sole batch processor, reached without retaining it (`pipeline` keeps it
    /// alive as long as this recorder): retaining and releasing the pipeline and the processor
    /// on every `end` were four atomic operations a span.
    private let soleBatchProcessor: Unmanaged<BatchSpanProcessor>?

    /// A recorder for spans of `pipeline`; `begin` starts a span in it.
    init(pipeline: TracerPipeline) {
        let empty = SpanContext(traceID: TraceID(high: 0, low: 0), spanID: SpanID(0))
        state = State(data: SpanData(name: "", context: empty, startTime: 0, resource: pipeline.resource), ended: true)
        self.pipeline = pipeline
        limits = pipeline.limits
        soleBatchProcessor = pipeline.soleBatchProcessor.map { Unmanaged.passUnretained($0) }
    }

    /// A recorder carrying `data`, already ended.
    init(ended data: SpanData) {
        state = State(data: data, ended: true)
        pipeline = nil
        limits = SpanLimits()
        soleBatchProcessor = nil
    }

    /// Starts recording a span; the recorder is new or spare, so nothing else sees it yet.
    func begin(
        _ name: String, context: SpanContext, parent: SpanContext?, kind: SpanKind, startTime: UInt64,
        attributes: SpanAttributes, samplerAttributes: SpanAttributes, links: [SpanLink], scope: InstrumentationScope
    ) {
        let limits = self.limits
        // No lock: nothing else refers to a new or spare recorder yet (a spare one came
        // through the pool's lock, which orders the export task's clearing before this).
        state.data.name = name
        state.data.context = context
        state.data.parentSpanID = parent?.spanID
        state.data.parentIsRemote = parent?.isRemote ?? false
        state.data.kind = kind
        state.data.startTime = startTime
        state.data.endTime = 0
        // A reused recorder usually served the same tracer: comparing the scope (the same
        // strings compare by their bits) saves a retain and a release per string.
        if state.data.scope != scope { state.data.scope = scope }
        // Iterating an empty collection still retains and releases its storage.
        if !attributes.isEmpty {
            for (key, value) in attributes { state.data.record(key, value, limits: limits) }
        }
        if !samplerAttributes.isEmpty {
            for (key, value) in samplerAttributes { state.data.record(key, value, limits: limits) }
        }
        if !links.isEmpty {
            for link in links { state.data.record(link, limits: limits) }
        }
        state.ended = false
    }

    /// Where a recorder and its attribute storage are in memory: only a hint for prefetching.
    struct Location: Sendable, Equatable {
        var object: UInt = 0
        var attributeStorage: UInt = 0

        /// Asks this core to fetch the recorder's lines and those of its first attributes for
        /// writing, ahead of a span that will use it; nothing for an empty location.
        func prefetchForWrite() {
            if let object = UnsafeRawPointer(bitPattern: object) {
                telemetry_prefetch_for_write(object, UInt(SpanRecorder.instanceBytes))
            }
            if let storage = UnsafeRawPointer(bitPattern: attributeStorage) {
                telemetry_prefetch_for_write(
                    storage, UInt(SpanAttributes.headerBytes + 4 * MemoryLayout<SpanAttributes.Element>.stride))
            }
        }
    }

    /// The object's size: its header (type and reference counts), the lock, the state and the rest.
    fileprivate static var instanceBytes: Int {
        16 + MemoryLayout<SpinLock>.stride + MemoryLayout<State>.stride + MemoryLayout<TracerPipeline?>.stride
            + MemoryLayout<SpanLimits>.size
    }

    /// Where this recorder and its attribute storage are; read it only where nothing else
    /// writes the recorder.
    var location: Location {
        Location(
            object: UInt(bitPattern: Unmanaged.passUnretained(self).toOpaque()),
            attributeStorage: state.data.attributes.storageAddress)
    }

    /// Whether `end` has not been called yet.
    var isRecording: Bool { withLock { !$0.ended } }

    /// A copy of what has been recorded so far.
    var snapshot: SpanData { withLock { $0.data } }

    /// The data of a span that ended and was handed to the batch processor, read without the
    /// lock: an ended span's data no longer changes (later calls only read `ended`), and the
    /// queue's lock orders `end` before this read. The export task then writes nothing to the
    /// lock's cache line, which the thread recording the next span in this recorder would wait for.
    var endedData: SpanData { state.data }

    /// Applies `change` unless the span has ended (changes after the end are ignored, as the
    /// specification requires).
    @inline(__always)
    func update(_ change: (inout SpanData, SpanLimits) -> Void) {
        let limits = self.limits
        withLock { state in
            guard !state.ended else { return }
            change(&state.data, limits)
        }
    }

    /// Sets one attribute unless the span has ended (the commonest change, without a closure).
    @usableFromInline
    func setAttribute(_ key: String, _ value: AttributeValue) {
        let limits = self.limits
        withLock { state in
            guard !state.ended else { return }
            state.data.record(key, value, limits: limits)
        }
    }

    /// Ends the span at `time` and hands it to the processors; later calls do nothing.
    @usableFromInline
    func end(at time: UInt64) {
        guard pipeline != nil else { return }
        let handOver = soleBatchProcessor != nil
        let ending: Ending = withLock { state in
            guard !state.ended else { return .alreadyEnded }
            state.ended = true
            state.data.endTime = max(time, state.data.startTime)
            return handOver ? .handedOver(sampled: state.data.context.isSampled) : .ended(state.data)
        }
        switch ending {
        case .alreadyEnded: return
        case .handedOver(let sampled):
            if sampled { soleBatchProcessor?._withUnsafeGuaranteedRef { $0.enqueue(self) } }
        case .ended(let finished):
            for processor in pipeline?.processors ?? [] { processor.onEnd(finished) }
        }
    }

    /// Runs `body` on the state under the lock.
    @inline(__always)
    private func withLock<Result>(_ body: (inout State) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    /// Clears the exported span's data so that the recorder can serve a later span; false for a
    /// recorder that belongs to no pipeline. Call it only when nothing else refers to the
    /// recorder (so no lock: the pool's lock publishes the cleared state to the next span).
    func clear() -> Bool {
        guard pipeline != nil else { return false }
        state.data.name = ""
        state.data.attributes.removeAllKeepingSmallStorage()
        state.data.droppedAttributesCount = 0
        if !state.data.events.isEmpty { state.data.events = [] }
        state.data.droppedEventsCount = 0
        if !state.data.links.isEmpty { state.data.links = [] }
        state.data.droppedLinksCount = 0
        state.data.status = .unset
        return true
    }
}
