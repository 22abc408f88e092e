import Synchronization

/// Keeps exported log records in memory, for tests.
public final class InMemoryLogRecordExporter: LogRecordExporter {
    private let records = Mutex<[LogRecordData]>([])

    /// Creates an empty exporter.
    public init() {}

    /// Every record exported so far, in export order.
    public var exportedRecords: [LogRecordData] { records.withLock { $0 } }

    public func export(_ batch: [LogRecordData]) async -> ExportResult {
        records.withLock { $0.append(contentsOf: batch) }
        return .success
    }
}
