import Foundation
import GRDB
import Logging
import Telemetry

/// Deletes spans and logs past the retention age or beyond the retention size, in the
/// background, oldest first by arrival time (as Tempo and Jaeger age data by ingestion, which
/// clients' clocks cannot skew).
///
/// Deletes run in chunks of `chunkRows`, each its own short transaction, so ingest is never
/// held up by one long delete. Freed pages are reused by SQLite; the size limit applies to
/// pages in use.
final class RetentionEnforcer: Sendable {
    let database: TelemetryDatabase
    let maxAgeNanos: Int64
    /// 0 for no size limit.
    let maxBytes: Int64
    let chunkRows = 5000
    private let deletedSpans: Counter
    private let deletedLogRecords: Counter
    private let logger: Logger

    init(database: TelemetryDatabase, maxAgeNanos: Int64, maxBytes: Int64, registry: MetricRegistry, logger: Logger)
        throws(MetricError)
    {
        self.database = database
        self.maxAgeNanos = maxAgeNanos
        self.maxBytes = maxBytes
        self.logger = logger
        deletedSpans = try registry.counter(
            name: "telemetryd_storage_retention_deleted_spans_total", help: "Spans deleted by retention (age or size).")
        deletedLogRecords = try registry.counter(
            name: "telemetryd_storage_retention_deleted_log_records_total",
            help: "Log records deleted by retention (age or size).")
    }

    /// Runs `enforce` now and then every `interval` until the task is cancelled.
    func run(every interval: Duration) async {
        while !Task.isCancelled {
            do {
                try enforce(now: Int64(clamping: WallClock.nanoseconds()))
            } catch {
                logger.error("retention failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Deletes what is older than the age limit, then the oldest data until the used size is
    /// under the size limit.
    func enforce(now: Int64) throws {
        if maxAgeNanos > 0 { try deleteReceived(before: now - maxAgeNanos) }
        guard maxBytes > 0 else { return }
        // Each round deletes the oldest slice in proportion to the excess (plus 5% headroom,
        // so the next ingest does not trip the limit again at once), assuming a steady
        // arrival rate between the oldest and newest rows; the loop corrects the estimate.
        for _ in 0..<20 {
            let (used, oldest, newest) = try database.pool.read { db in
                let used = try database.usedBytes(db)
                // Rows are stored in arrival order, so the first and last ids hold the oldest and
                // newest arrival times.
                let bounds = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT MIN(lo), MAX(hi) FROM (
                            SELECT (SELECT received_unix_nano FROM spans ORDER BY id LIMIT 1) AS lo,
                                (SELECT received_unix_nano FROM spans ORDER BY id DESC LIMIT 1) AS hi
                            UNION ALL
                            SELECT (SELECT received_unix_nano FROM logs ORDER BY id LIMIT 1),
                                (SELECT received_unix_nano FROM logs ORDER BY id DESC LIMIT 1))
                        """)
                return (used, bounds?[0] as Int64?, bounds?[1] as Int64?)
            }
            guard used > maxBytes, let oldest, let newest else { return }
            let fraction = min(1, Double(used - maxBytes) / Double(used) + 0.05)
            let cutoff = oldest + max(1, Int64(Double(newest - oldest + 1) * fraction))
            try deleteReceived(before: cutoff)
        }
    }

    /// Deletes every span and log record received before `cutoff`, chunk by chunk. Rows are in
    /// arrival order: everything below the first id received at or after `cutoff` goes.
    private func deleteReceived(before cutoff: Int64) throws {
        for (table, counter) in [("spans", deletedSpans), ("logs", deletedLogRecords)] {
            let end = try database.pool.read { db in
                try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT COALESCE(
                            (SELECT id FROM \(table) WHERE received_unix_nano >= ? ORDER BY id LIMIT 1),
                            (SELECT MAX(id) + 1 FROM \(table)), 0)
                        """,
                    arguments: [cutoff]) ?? 0
            }
            while true {
                let deleted = try database.pool.write { db in
                    try db.execute(
                        sql: "DELETE FROM \(table) WHERE id < MIN(?, (SELECT MIN(id) FROM \(table)) + ?)",
                        arguments: [end, chunkRows])
                    return db.changesCount
                }
                counter.increment(by: Int64(deleted))
                if deleted == 0 { break }
            }
        }
    }
}
