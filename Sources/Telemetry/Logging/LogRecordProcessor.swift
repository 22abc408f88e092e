/// Receives log records as they are written; processors batch them and hand them to exporters.
///
/// `onEmit` runs on the thread that logs and must not block.
public protocol LogRecordProcessor: Sendable {
    /// Called once for each record.
    func onEmit(_ record: LogRecordData)
    /// Exports everything received so far; returns when done.
    func forceFlush() async
    /// Exports what is queued, then stops; later records are dropped.
    func shutdown() async
}
