import CSQLite
import Foundation
import GRDB

/// A SQLite database under `--storage.path`: WAL mode, schema brought up to date on open.
/// `telemetry.sqlite` holds spans and logs, `metrics.sqlite` the metric history.
final class TelemetryDatabase: Sendable {
    /// Why the database could not be opened.
    struct OpenError: Error, CustomStringConvertible {
        let description: String
    }

    let pool: DatabasePool
    let path: String

    /// Whether SQLite's memory statistics were turned off, once per process before its first
    /// connection opens. With them on (SQLite's default), each allocation SQLite makes takes a
    /// process-wide mutex: about 4% of the storage writer's time when ingesting spans. Nothing
    /// here reads them. (When another part of the process opened SQLite first it is too late,
    /// and the setting stays as it was.)
    static let memoryStatisticsDisabled: Bool = csqlite_disable_memory_statistics() == CSQLite.SQLITE_OK

    init(directory: String, fileName: String = "telemetry.sqlite", migrator: DatabaseMigrator = StorageSchema.migrator)
        throws(OpenError)
    {
        _ = Self.memoryStatisticsDisabled
        path = (directory as NSString).appendingPathComponent(fileName)
        var configuration = Configuration()
        configuration.label = "telemetryd"
        // Another process (a backup, the sqlite3 shell) may hold the write lock for a moment.
        configuration.busyMode = .timeout(5)
        // 64 MiB of page cache per connection keeps the id index's hot pages in memory, so
        // inserts do not re-read them from the OS on every batch.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8000")
            // After a checkpoint the WAL file is cut back to this size instead of staying at
            // its high-water mark.
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        // GRDB's DatabasePool runs WAL with synchronous = NORMAL: a committed transaction
        // survives the process being killed; only an OS crash or power loss can drop the last.
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try migrator.migrate(pool)
        } catch {
            throw OpenError(description: "cannot open database \(path): \(error)")
        }
    }

    /// Bytes of the database file holding data (pages in use, not free pages SQLite keeps for
    /// reuse after deletes): what retention by size limits.
    func usedBytes(_ db: Database) throws -> Int64 {
        let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        return (pages - free) * pageSize
    }

    /// Copies the WAL into the database and truncates it (at shutdown, so the files at rest
    /// are the data and nothing more).
    func truncateWAL() {
        _ = try? pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// Bytes used by the database file and its WAL.
    var sizeBytes: Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value
            return total + (size ?? 0)
        }
    }
}
