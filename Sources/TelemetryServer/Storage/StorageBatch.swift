import GRDB

/// Work for `StorageWriter`: rows written inside the writer's transaction, committed together
/// with the batches queued beside it.
struct StorageBatch: Sendable {
    /// Rows it holds, counted against the writer's queue bound.
    let rows: Int
    /// Whether the batch is queued even past the bound: records the caller has already made
    /// visible (metric-history samples) or maintenance (checkpoints) must not be dropped.
    let mustQueue: Bool
    /// Writes the rows; runs on the writer thread inside a transaction.
    let write: @Sendable (Database) throws -> Void

    init(rows: Int, mustQueue: Bool = false, write: @escaping @Sendable (Database) throws -> Void) {
        self.rows = rows
        self.mustQueue = mustQueue
        self.write = write
    }

    /// Spans and log records from the OTLP receiver.
    static func spansAndLogs(spans: [SpanRow], logs: [LogRow]) -> StorageBatch {
        StorageBatch(rows: spans.count + logs.count) { db in
            if !spans.isEmpty {
                var binder = SQLiteBinder(try db.cachedStatement(sql: SpanRow.insertSQL), in: db)
                // Indexing rather than `for span in spans`: a row is read in place, not copied
                // (a copy retains and releases its fifteen strings and blobs).
                for index in spans.indices { try spans[index].insert(with: &binder) }
            }
            if !logs.isEmpty {
                var binder = SQLiteBinder(try db.cachedStatement(sql: LogRow.insertSQL), in: db)
                for index in logs.indices { try logs[index].insert(with: &binder) }
            }
        }
    }
}
