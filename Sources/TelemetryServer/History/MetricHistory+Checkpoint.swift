import Foundation
import GRDB
import PromQL

extension MetricHistory {
    /// How often retention runs inside a checkpoint (it scans the `chunks` table).
    static let retentionInterval: Int64 = 10 * 60_000

    /// Moves closed chunks to the `chunks` table, saves changed open chunks, deletes the
    /// write-ahead records this covers and, every `retentionInterval`, deletes what is older
    /// than `retention`. Returns once committed.
    func checkpoint(now: Int64) async throws(StorageWriter.WriteError) {
        let (batch, persisted) = head.withLock { head in
            let sequence = head.walSequence
            head.samplesSinceCheckpoint = 0
            var closed: [(Int64, [XORChunk])] = []
            var open: [(Int64, XORChunk)] = []
            for (id, series) in head.series {
                if !series.closed.isEmpty { closed.append((id, series.closed)) }
                if series.dirty, series.open.count > 0 { open.append((id, series.open.chunk)) }
                head.series[id]?.dirty = false
            }
            var cutoff: Int64?
            var expired: [Int64] = []
            if retention > 0, head.lastRetention == .min || now - head.lastRetention >= Self.retentionInterval {
                head.lastRetention = now
                cutoff = now - retention
                for (id, series) in head.series where series.lastTime < now - retention {
                    expired.append(id)
                    head.index.remove(id, series.labels)
                    head.ids[series.labels] = nil
                    head.series[id] = nil
                    for producer in head.live.keys { head.live[producer]?.remove(id) }
                }
            }
            let batch = Self.checkpointBatch(
                closed: closed, open: open, sequence: sequence, cutoff: cutoff, expired: expired)
            return (batch, closed.map { ($0.0, $0.1.count, $0.1.last?.maxTime ?? .min) })
        }
        try await writer.submit(batch)
        head.withLock { head in
            for (id, count, newest) in persisted {
                guard var series = head.series[id] else { continue }
                series.closed.removeFirst(min(count, series.closed.count))
                series.diskMaxTime = max(series.diskMaxTime, newest)
                head.series[id] = series
            }
        }
    }

    private static func checkpointBatch(
        closed: [(Int64, [XORChunk])], open: [(Int64, XORChunk)], sequence: Int64, cutoff: Int64?, expired: [Int64]
    ) -> StorageBatch {
        StorageBatch(rows: closed.count + open.count, mustQueue: true) { db in
            var insertChunk = SQLiteBinder(
                try db.cachedStatement(
                    sql: "INSERT OR REPLACE INTO chunks (series_id, min_time, max_time, data) VALUES (?, ?, ?, ?)"),
                in: db)
            for (id, chunks) in closed {
                for chunk in chunks {
                    insertChunk.bind(id)
                    insertChunk.bind(chunk.minTime)
                    insertChunk.bind(chunk.maxTime)
                    insertChunk.bind(chunk.bytes)
                    try insertChunk.step()
                }
            }
            var saveOpen = SQLiteBinder(
                try db.cachedStatement(
                    sql: "INSERT OR REPLACE INTO head_chunks (series_id, min_time, max_time, data) VALUES (?, ?, ?, ?)"),
                in: db)
            for (id, chunk) in open {
                saveOpen.bind(id)
                saveOpen.bind(chunk.minTime)
                saveOpen.bind(chunk.maxTime)
                saveOpen.bind(chunk.bytes)
                try saveOpen.step()
            }
            try db.execute(sql: "DELETE FROM wal WHERE sequence <= ?", arguments: [sequence])
            if let cutoff {
                try db.execute(sql: "DELETE FROM chunks WHERE max_time < ?", arguments: [cutoff])
                try db.execute(sql: "DELETE FROM head_chunks WHERE max_time < ?", arguments: [cutoff])
                for id in expired {
                    try db.execute(sql: "DELETE FROM series WHERE id = ?", arguments: [id])
                }
            }
        }
    }

    /// Checkpoints every `interval`, or sooner once `samples` samples were appended since the
    /// last one (a remote-write burst), until the task is cancelled.
    func runCheckpoints(
        every interval: Duration, orAfter samples: Int = 500_000, onError: @Sendable (StorageWriter.WriteError) -> Void
    ) async {
        var last = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(250))
            let due = ContinuousClock.now - last >= interval || head.withLock { $0.samplesSinceCheckpoint } >= samples
            guard due else { continue }
            last = ContinuousClock.now
            do {
                try await checkpoint(now: Int64(Date().timeIntervalSince1970 * 1000))
            } catch {
                onError(error)
            }
        }
    }
}
