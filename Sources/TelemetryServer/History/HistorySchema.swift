import GRDB

/// The metric history's tables in `metrics.sqlite`. Add a migration for every change; never
/// edit a released one.
///
/// - `series`: every series' id and label set (`LabelsCoding`).
/// - `chunks`: closed compressed chunks (`XORChunk`), clustered by series then time, so a
///   range read of one series is one index range. A chunk never spans a boundary of
///   `MetricHistory.chunkRange`, so `min_time` alone bounds a query's scan.
/// - `head_chunks`: the open chunk of each series as of the last checkpoint.
/// - `wal`: samples appended since the last checkpoint (`WALRecord`), replayed on start.
enum HistorySchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: series, chunks, head chunks, write-ahead records") { db in
            try db.execute(
                sql: """
                    CREATE TABLE series (id INTEGER PRIMARY KEY, labels BLOB NOT NULL);
                    CREATE TABLE chunks (
                        series_id INTEGER NOT NULL,
                        min_time INTEGER NOT NULL,
                        max_time INTEGER NOT NULL,
                        data BLOB NOT NULL,
                        PRIMARY KEY (series_id, min_time)
                    ) WITHOUT ROWID;
                    CREATE TABLE head_chunks (
                        series_id INTEGER PRIMARY KEY,
                        min_time INTEGER NOT NULL,
                        max_time INTEGER NOT NULL,
                        data BLOB NOT NULL
                    );
                    CREATE TABLE wal (sequence INTEGER PRIMARY KEY, record BLOB NOT NULL);
                    """)
        }
        return migrator
    }
}
