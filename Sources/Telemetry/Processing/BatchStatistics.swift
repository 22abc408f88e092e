/// What happened to the items (spans or log records) a batch processor received.
public struct BatchStatistics: Sendable, Hashable {
    /// Items delivered by successful exports.
    public var exported: Int
    /// Items dropped because the queue was full or the processor was shut down.
    public var dropped: Int
    /// Items whose export failed or timed out.
    public var failed: Int
    /// Items waiting in the queue now.
    public var queued: Int

    /// Creates statistics, for comparisons.
    public init(exported: Int, dropped: Int, failed: Int, queued: Int) {
        self.exported = exported
        self.dropped = dropped
        self.failed = failed
        self.queued = queued
    }
}
