/// Queues ended, sampled spans and exports them in batches from a background task.
///
/// `onEnd` never blocks: it takes a lock, appends the span to a buffer with room for the whole
/// queue and returns. When the queue is full the span is dropped and counted. Spans go out when
/// `maxExportBatchSize` are waiting or `scheduledDelay` has passed, in batches of at most
/// `maxExportBatchSize`; each export is cancelled after `exportTimeout`. `forceFlush()` and
/// `shutdown()` export everything queued before returning.
///
/// When it is a provider's only processor, ended spans reach it as their recorders: their
/// data is copied on the export task rather than on the thread that ends the span, and
/// recorders nothing refers to any more are reused for new spans.
public final class BatchSpanProcessor: SpanProcessor {
    /// What happened to the spans this processor received.
    public typealias Statistics = BatchStatistics

    /// The settings in force.
    public var configuration: BatchProcessorConfiguration { worker.configuration }
    private let exporter: any SpanExporter
    private let worker: BatchWorker<SpanRecorder>

    /// Creates the processor and starts its export task; call `shutdown()` to stop it.
    public init(exporter: any SpanExporter, configuration: BatchProcessorConfiguration = .fromEnvironment()) {
        self.exporter = exporter
        worker = BatchWorker(
            configuration: configuration,
            export: { recorders in await exporter.export(recorders.map(\.endedData)) },
            afterExport: Self.recycle)
    }

    /// Counts of exported, dropped, failed and queued spans.
    public var statistics: Statistics { worker.statistics }

    public func onEnd(_ span: SpanData) {
        guard span.context.isSampled else { return }
        worker.enqueue(SpanRecorder(ended: span))
    }

    /// Queues the ended, sampled span `recorder` holds.
    func enqueue(_ recorder: SpanRecorder) {
        worker.enqueue(recorder)
    }

    public func forceFlush() async {
        await worker.forceFlush()
        await exporter.forceFlush()
    }

    public func shutdown() async {
        await worker.shutdown()
        await exporter.shutdown()
    }

    /// Recycles the exported recorders that no span refers to any more (the batch held the
    /// last reference), handing them back in one go.
    private static func recycle(_ batch: inout [SpanRecorder]) {
        var spare: [SpanRecorder] = []
        spare.reserveCapacity(batch.count)
        while var recorder = batch.popLast() {
            if isKnownUniquelyReferenced(&recorder), recorder.clear() { spare.append(consume recorder) }
        }
        // The entries hold the only references once `spare` is consumed here, before they are
        // handed over (a release after, on this thread, would touch recorders in use).
        let pipeline = spare.first?.pipeline
        pipeline?.keepSpare(SpareRecorders.Entry.batch(consume spare))
    }
}
