/// Sends log records somewhere: an OTLP endpoint, memory.
///
/// Processors never call `export` concurrently on one exporter.
public protocol LogRecordExporter: Sendable {
    /// Exports one batch. Cancellation (the processor's export timeout) should end it early.
    func export(_ records: [LogRecordData]) async -> ExportResult
    /// Sends anything the exporter itself buffers.
    func forceFlush() async
    /// Releases resources; later exports fail.
    func shutdown() async
}

extension LogRecordExporter {
    /// Nothing is buffered by default.
    public func forceFlush() async {}
    /// Nothing to release by default.
    public func shutdown() async {}
}
