/// Sends finished spans somewhere: an OTLP endpoint, the console, memory.
///
/// Processors never call `export` concurrently on one exporter.
public protocol SpanExporter: Sendable {
    /// Exports one batch. Cancellation (the processor's export timeout) should end it early.
    func export(_ spans: [SpanData]) async -> ExportResult
    /// Sends anything the exporter itself buffers.
    func forceFlush() async
    /// Releases resources; later exports fail.
    func shutdown() async
}

extension SpanExporter {
    /// Nothing is buffered by default.
    public func forceFlush() async {}
    /// Nothing to release by default.
    public func shutdown() async {}
}

/// The outcome of one export.
public enum ExportResult: Sendable, Hashable {
    /// The receiver accepted the batch (possibly rejecting some items: see the exporter's log).
    case success
    /// The batch was not delivered; the text says why.
    case failure(String)
}
