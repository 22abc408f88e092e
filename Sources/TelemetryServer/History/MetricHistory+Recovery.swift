import Foundation
import GRDB
import PromQL

extension MetricHistory {
    /// Rebuilds the head from the database: the series, the newest time on disk of each, the
    /// open chunks saved at the last checkpoint, then the write-ahead records after it.
    static func recover(from database: TelemetryDatabase) throws -> Head {
        try database.pool.read { db in
            var head = Head()
            for row in try Row.fetchAll(db, sql: "SELECT id, labels FROM series") {
                let id: Int64 = row[0]
                let bytes: Data = row[1]
                // A damaged label blob keeps its id (its chunks stay addressable) under a
                // label set that says so, rather than failing the whole start.
                let labels = LabelsCoding.decode([UInt8](bytes)) ?? Labels([("__damaged_series__", "\(id)")])
                head.series[id] = HeadSeries(id: id, labels: labels)
                head.ids[labels] = id
                head.index.add(id, labels)
                head.nextID = max(head.nextID, id + 1)
            }
            for row in try Row.fetchAll(db, sql: "SELECT series_id, MIN(min_time), MAX(max_time) FROM chunks GROUP BY series_id") {
                let id: Int64 = row[0]
                guard head.series[id] != nil else { continue }
                let newest: Int64 = row[2]
                head.series[id]?.firstTime = row[1]
                head.series[id]?.diskMaxTime = newest
                head.series[id]?.lastTime = newest
            }
            for row in try Row.fetchAll(db, sql: "SELECT series_id, min_time, max_time, data FROM head_chunks") {
                let id: Int64 = row[0]
                guard var series = head.series[id] else { continue }
                let bytes: Data = row[3]
                let chunk = XORChunk(bytes: [UInt8](bytes), minTime: row[1], maxTime: row[2])
                for sample in chunk.samples where sample.time > series.lastTime {
                    _ = series.append(sample, chunkRange: chunkRange)
                }
                head.series[id] = series
            }
            for row in try Row.fetchAll(db, sql: "SELECT sequence, record FROM wal ORDER BY sequence") {
                head.walSequence = max(head.walSequence, row[0])
                let bytes: Data = row[1]
                WALRecord(bytes: [UInt8](bytes)).forEach { id, sample in
                    // Records a checkpoint already covered come back as duplicates: ignored.
                    _ = head.series[id]?.append(sample, chunkRange: chunkRange)
                }
            }
            try restoreLastValues(db, &head)
            return head
        }
    }

    /// Series whose newest sample is on disk get that sample's value, so a resend of it after
    /// a restart is recognised as a duplicate.
    private static func restoreLastValues(_ db: Database, _ head: inout Head) throws {
        for (id, series) in head.series where series.open.count == 0 && series.diskMaxTime != .min {
            let row = try Row.fetchOne(
                db, sql: "SELECT min_time, max_time, data FROM chunks WHERE series_id = ? ORDER BY min_time DESC LIMIT 1",
                arguments: [id])
            guard let row else { continue }
            let bytes: Data = row[2]
            if let last = XORChunk(bytes: [UInt8](bytes), minTime: row[0], maxTime: row[1]).samples.last {
                head.series[id]?.lastValue = last.value
            }
        }
    }
}
