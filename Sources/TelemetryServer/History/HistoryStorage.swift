import Foundation

/// The metric history with what it stands on: the storage lock, `metrics.sqlite` and its
/// writer. Used by the server and by `telemetryd import`.
struct HistoryStorage: Sendable {
    let lock: StorageLock
    let writer: StorageWriter
    let history: MetricHistory

    /// Why the history could not be opened.
    struct OpenError: Error, CustomStringConvertible {
        let description: String
    }

    /// Opens the history under `storagePath`, taking the storage lock unless the caller
    /// holds it already.
    static func open(
        _ storagePath: String, lock: StorageLock? = nil, maxSeries: Int, retention: Int64, maxPendingRows: Int = 200_000
    ) throws(OpenError) -> HistoryStorage {
        do {
            try StorageDirectory.prepare(storagePath)
            let lock = try lock ?? StorageLock(directory: storagePath)
            let database = try TelemetryDatabase(
                directory: storagePath, fileName: "metrics.sqlite", migrator: HistorySchema.migrator)
            let writer = StorageWriter(database: database, maxPendingRows: maxPendingRows)
            do {
                let history = try MetricHistory(database: database, writer: writer, maxSeries: maxSeries, retention: retention)
                return HistoryStorage(lock: lock, writer: writer, history: history)
            } catch {
                writer.stop()
                throw error
            }
        } catch {
            throw OpenError(description: "cannot open the metric history in \(storagePath): \(error)")
        }
    }

    /// Writes what is queued and stops the writer; the lock goes with the last reference.
    func close() {
        writer.stop()
        history.database.truncateWAL()
    }
}
