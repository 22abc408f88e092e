/// Queues ended, sampled spans and exports them in batches from a background task.
///
/// `onEnd` never blocks: it takes a lock, copies the span into a fixed ring and returns. When the
/// queue is full the span is dropped and counted. A batch goes out when `maxExportBatchSize`
/// spans are waiting or `scheduledDelay` has passed; each export is cancelled after
/// `exportTimeout`. `forceFlush()` and `shutdown()` export everything queued before returning.
public final class BatchSpanProcessor: SpanProcessor {
    /// What happened to the spans this processor received.
    public typealias Statistics = BatchStatistics

    /// The settings in force.
    public var configuration: BatchProcessorConfiguration { worker.configuration }
    private let exporter: any SpanExporter
    private let worker: BatchWorker<SpanData>

    /// Creates the processor and starts its export task; call `shutdown()` to stop it.
    public init(exporter: any SpanExporter, configuration: BatchProcessorConfiguration = .fromEnvironment()) {
        self.exporter = exporter
        worker = BatchWorker(configuration: configuration) { spans in await exporter.export(spans) }
    }

    /// Counts of exported, dropped, failed and queued spans.
    public var statistics: Statistics { worker.statistics }

    public func onEnd(_ span: SpanData) {
        guard span.context.isSampled else { return }
        worker.enqueue(span)
    }

    public func forceFlush() async {
        await worker.forceFlush()
        await exporter.forceFlush()
    }

    public func shutdown() async {
        await worker.shutdown()
        await exporter.shutdown()
    }
}
