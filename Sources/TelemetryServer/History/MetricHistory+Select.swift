import GRDB
import GRDBSQLite
import PromQL

extension MetricHistory {
    /// A matched series as found in the head: what the database must add to it.
    private struct Found {
        let labels: Labels
        let id: Int64
        let memory: [XORChunk]
        /// Whether older samples in the range are on disk.
        let readDisk: Bool
    }

    func select(_ matchers: [LabelMatcher], start: Int64, end: Int64) throws -> [Series] {
        let compiled = try matchers.map(CompiledMatcher.init)
        // The head is read before the database: a checkpoint moving chunks in between then
        // makes them appear twice (dropped below), never not at all.
        let found: [Found] = head.withLock { head in
            matching(compiled, in: head).compactMap { series in
                guard series.firstTime <= end, series.lastTime >= start else { return nil }
                let memory = series.chunks(from: start, through: end)
                let readDisk = series.diskMaxTime >= start && series.headMinTime > start
                guard readDisk || !memory.isEmpty else { return nil }
                return Found(labels: series.labels, id: series.id, memory: memory, readDisk: readDisk)
            }
        }
        let onDisk = try diskChunks(for: found.filter(\.readDisk).map(\.id), from: start, through: end)
        var result: [Series] = []
        result.reserveCapacity(found.count)
        for series in found {
            var samples: [Sample] = []
            for chunk in (onDisk[series.id] ?? []) + series.memory {
                let from = max(start, (samples.last?.time ?? .min) + 1)
                chunk.decode(into: &samples, from: from, through: end)
            }
            if !samples.isEmpty { result.append(Series(labels: series.labels, samples: samples)) }
        }
        return result.sorted { $0.labels < $1.labels }
    }

    /// Label sets of the series matching any of the matcher lists with samples between
    /// `start` and `end` (judged by the series' first and last sample, as Prometheus judges by
    /// block bounds).
    ///
    /// Each list is matched under the head's lock on its own, and `deadline` is checked between
    /// them (past it: the engine's `timeout` error): thousands of `match[]` patterns over 20,000 series take minutes (2,000 took 50 s),
    /// and held under one lock they stopped every append to the history for as long.
    func series(
        matching matchers: [[LabelMatcher]], start: Int64, end: Int64, deadline: ContinuousClock.Instant? = nil
    ) throws -> [Labels] {
        let lists = try matchers.map { try $0.map(CompiledMatcher.init) }
        var found = Set<Labels>()
        for list in lists {
            if let deadline, ContinuousClock.now > deadline {
                throw EvaluationError(.timeout, "query timed out in series selection")
            }
            let labels: [Labels] = head.withLock { head in
                matching(list, in: head).compactMap { series in
                    series.firstTime <= end && series.lastTime >= start ? series.labels : nil
                }
            }
            found.formUnion(labels)
        }
        return found.sorted()
    }

    private func matching(_ matchers: [CompiledMatcher], in head: Head) -> [HeadSeries] {
        let candidates = head.index.candidates(matchers).map { $0.compactMap { head.series[$0] } } ?? Array(head.series.values)
        return candidates.filter { series in matchers.allSatisfy { $0.matches(series.labels[$0.name]) } }
    }

    /// Chunks in the `chunks` table overlapping `start...end` for each series, oldest first.
    private func diskChunks(for ids: [Int64], from start: Int64, through end: Int64) throws -> [Int64: [XORChunk]] {
        guard !ids.isEmpty else { return [:] }
        return try database.pool.read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT min_time, max_time, data FROM chunks
                    WHERE series_id = ? AND min_time BETWEEN ? AND ? AND max_time >= ? ORDER BY min_time
                    """)
            let raw = statement.sqliteStatement
            var result: [Int64: [XORChunk]] = [:]
            for id in ids {
                sqlite3_reset(raw)
                sqlite3_bind_int64(raw, 1, id)
                sqlite3_bind_int64(raw, 2, start &- Self.chunkRange)
                sqlite3_bind_int64(raw, 3, end)
                sqlite3_bind_int64(raw, 4, start)
                var chunks: [XORChunk] = []
                while true {
                    let code = sqlite3_step(raw)
                    if code == SQLITE_DONE { break }
                    guard code == SQLITE_ROW else {
                        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                    }
                    let length = Int(sqlite3_column_bytes(raw, 2))
                    var bytes = [UInt8](repeating: 0, count: length)
                    if length > 0, let blob = sqlite3_column_blob(raw, 2) {
                        bytes.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: blob, count: length)) }
                    }
                    chunks.append(XORChunk(bytes: bytes, minTime: sqlite3_column_int64(raw, 0), maxTime: sqlite3_column_int64(raw, 1)))
                }
                result[id] = chunks
            }
            sqlite3_reset(raw)
            return result
        }
    }
}
