/// Queues log records and exports them in batches from a background task, as
/// `BatchSpanProcessor` does spans: `onEmit` never blocks, a full queue drops and counts.
///
/// Defaults are the specification's (queue 2048, delay 1 s, batch 512, timeout 30 s), read from
/// `OTEL_BLRP_*` (see `BatchProcessorConfiguration.logs(_:)`).
public final class BatchLogRecordProcessor: LogRecordProcessor {
    /// The settings in force.
    public var configuration: BatchProcessorConfiguration { worker.configuration }
    private let exporter: any LogRecordExporter
    private let worker: BatchWorker<LogRecordData>

    /// Creates the processor and starts its export task; call `shutdown()` to stop it.
    public init(exporter: any LogRecordExporter, configuration: BatchProcessorConfiguration = .logs()) {
        self.exporter = exporter
        worker = BatchWorker(configuration: configuration) { records in await exporter.export(records) }
    }

    /// Counts of exported, dropped, failed and queued records.
    public var statistics: BatchStatistics { worker.statistics }

    public func onEmit(_ record: LogRecordData) {
        worker.enqueue(record)
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
