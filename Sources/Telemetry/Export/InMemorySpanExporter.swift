import Synchronization

/// Keeps exported spans in memory, for tests.
public final class InMemorySpanExporter: SpanExporter {
    private let spans = Mutex<[SpanData]>([])
    private let stopped = Atomic<Bool>(false)

    /// Creates an empty exporter.
    public init() {}

    /// Every span exported so far, in export order.
    public var finishedSpans: [SpanData] { spans.withLock { $0 } }

    /// Forgets the spans exported so far.
    public func reset() {
        spans.withLock { $0.removeAll() }
    }

    public func export(_ batch: [SpanData]) async -> ExportResult {
        guard !stopped.load(ordering: .relaxed) else { return .failure("exporter is shut down") }
        spans.withLock { $0.append(contentsOf: batch) }
        return .success
    }

    public func shutdown() async {
        stopped.store(true, ordering: .relaxed)
    }
}
