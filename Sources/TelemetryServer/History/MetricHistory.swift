import Foundation
import GRDB
import PromQL
import Synchronization

/// The metric history: every series' samples as compressed chunks, read by the PromQL engine
/// through `SeriesSource`.
///
/// Recent samples live in the head, in memory (`HeadSeries`, indexed by `PostingsIndex`).
/// Every append is written to the `wal` table through the storage writer before it is
/// acknowledged, in the order it reached the head. A checkpoint (every minute, and at stop)
/// moves closed chunks to the `chunks` table, saves open chunks in `head_chunks`, deletes the
/// write-ahead records it covers and applies retention. On start the head is rebuilt from
/// `series`, `head_chunks` and the records left in `wal`.
final class MetricHistory: SeriesSource, Sendable {
    /// What became of the samples of one append.
    struct AppendResult: Sendable, Equatable {
        var accepted = 0
        /// Resends of the newest sample of a series (same time, same value): ignored.
        var duplicates = 0
        /// Samples older than the newest sample of their series.
        var outOfOrder = 0
        /// Samples at the time of the newest sample of their series with another value.
        var conflicting = 0
        /// Samples of new series refused because the history holds `maxSeries` series.
        var refusedSeries = 0
        /// The first sample refused, described for the client.
        var firstRefusal: String?

        /// Samples refused (duplicates are not refused: they are already stored).
        var refused: Int { outOfOrder + conflicting + refusedSeries }
    }

    /// Running totals reported on `/metrics`.
    struct Totals: Sendable {
        var appended = 0
        var outOfOrder = 0
        var conflicting = 0
        var refusedSeries = 0
        var chunksCut = 0
    }

    struct Head: Sendable {
        var series = SeriesTable()
        var ids: [Labels: Int64] = [:]
        var index = PostingsIndex()
        var nextID: Int64 = 1
        var walSequence: Int64 = 0
        /// Series each producer (the sampler, each rule) wrote in its previous round, for
        /// staleness markers.
        var live: [String: Set<Int64>] = [:]
        var totals = Totals()
        var lastRetention: Int64 = .min
        /// Samples appended since the last checkpoint: held twice (head and `wal` table)
        /// until the next one, so a burst brings the checkpoint forward.
        var samplesSinceCheckpoint = 0
    }

    /// Chunks never span a boundary of this many milliseconds (2 h, as Prometheus's head
    /// blocks), so a query bounds its scan of the `chunks` table by `min_time` alone.
    static let chunkRange: Int64 = 2 * 3_600_000

    let database: TelemetryDatabase
    let writer: StorageWriter
    /// Most series held; samples of further new series are refused and counted, so clients
    /// creating series without end cannot exhaust memory.
    let maxSeries: Int
    /// Samples older than this many milliseconds are deleted (0 keeps everything).
    let retention: Int64
    let head: Mutex<Head>
    /// Told of every accepted sample, in order per series, under the head's lock: must only
    /// queue (the remote-write senders).
    private let listeners = Mutex<[@Sendable ([(Labels, Sample)]) -> Void]>([])

    /// Opens the history in `database` and rebuilds the head from what is stored.
    init(database: TelemetryDatabase, writer: StorageWriter, maxSeries: Int = 20_000, retention: Int64 = 0) throws {
        self.database = database
        self.writer = writer
        self.maxSeries = maxSeries
        self.retention = retention
        head = Mutex(try Self.recover(from: database))
    }

    /// Adds a listener told of every sample accepted from now on.
    func addListener(_ listener: @escaping @Sendable ([(Labels, Sample)]) -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    /// A pending write that collects accepted samples for listeners when there are any.
    private func pendingWrite() -> PendingWrite {
        var pending = PendingWrite()
        pending.listeners = listeners.withLock { $0 }
        if !pending.listeners.isEmpty { pending.accepted = [] }
        return pending
    }

    /// Series held now.
    var seriesCount: Int { head.withLock { $0.series.count } }

    /// Running totals since start.
    var totals: Totals { head.withLock { $0.totals } }

    /// Appends samples (each series' samples in time order) and returns once they are
    /// durable, with what was accepted and refused.
    func append(_ input: [(labels: Labels, samples: [Sample])]) async -> (AppendResult, StorageWriter.WriteError?) {
        await withCheckedContinuation { continuation in
            head.withLock { head in
                var pending = pendingWrite()
                var result = AppendResult()
                for (labels, samples) in input where !samples.isEmpty {
                    guard let id = resolve(labels, &head, &pending) else {
                        result.refusedSeries += samples.count
                        if result.firstRefusal == nil {
                            result.firstRefusal = "series \(labels) not stored: the history holds \(maxSeries) series"
                        }
                        continue
                    }
                    for sample in samples { append(sample, to: id, &head, &pending, &result) }
                }
                head.totals.refusedSeries += result.refusedSeries
                let outcome = result
                pending.notifyListeners()
                guard let batch = pending.batch(sequence: &head.walSequence) else {
                    continuation.resume(returning: (outcome, nil))
                    return
                }
                if let refused = writer.enqueue(batch, completion: { continuation.resume(returning: (outcome, $0)) }) {
                    continuation.resume(returning: (outcome, refused))
                }
            }
        }
    }

    /// Appends one round of samples taken at `time` (milliseconds) by `producer`, as a scrape
    /// does: series of the producer's previous round missing from this one get a staleness
    /// marker. Returns without waiting for the write.
    func appendRound(_ samples: [(labels: Labels, value: Double)], at time: Int64, producer: String = "sampler") {
        head.withLock { head in
            var pending = pendingWrite()
            var result = AppendResult()
            var live = Set<Int64>()
            live.reserveCapacity(samples.count)
            for (labels, value) in samples {
                guard let id = resolve(labels, &head, &pending) else {
                    result.refusedSeries += 1
                    continue
                }
                guard live.insert(id).inserted else { continue }
                append(Sample(time: time, value: value), to: id, &head, &pending, &result)
            }
            for gone in (head.live[producer] ?? []).subtracting(live) where head.series[gone] != nil {
                append(Sample(time: time, value: Sample.staleMarker), to: gone, &head, &pending, &result)
            }
            head.live[producer] = live.isEmpty ? nil : live
            head.totals.refusedSeries += result.refusedSeries
            pending.notifyListeners()
            if let batch = pending.batch(sequence: &head.walSequence) { _ = writer.enqueue(batch) }
        }
    }

    /// The id of the series with `labels`, created (and queued for the `series` table) when
    /// new; nil when the history is full.
    private func resolve(_ labels: Labels, _ head: inout Head, _ pending: inout PendingWrite) -> Int64? {
        if let id = head.ids[labels] { return id }
        guard head.series.count < maxSeries else { return nil }
        let id = head.nextID
        head.nextID += 1
        head.series[id] = HeadSeries(id: id, labels: labels)
        head.ids[labels] = id
        head.index.add(id, labels)
        pending.newSeries.append((id, LabelsCoding.encode(labels)))
        return id
    }

    private func append(
        _ sample: Sample, to id: Int64, _ head: inout Head, _ pending: inout PendingWrite, _ result: inout AppendResult
    ) {
        var cut = false
        guard let refusal = head.series[id]?.append(sample, chunkRange: Self.chunkRange, cut: &cut) else {
            pending.record.append(series: id, sample)
            if pending.accepted != nil, let labels = head.series[id]?.labels { pending.accepted?.append((labels, sample)) }
            result.accepted += 1
            head.totals.appended += 1
            head.samplesSinceCheckpoint += 1
            if cut { head.totals.chunksCut += 1 }
            return
        }
        switch refusal {
        case .duplicate:
            result.duplicates += 1
            return
        case .outOfOrder:
            result.outOfOrder += 1
            head.totals.outOfOrder += 1
        case .conflicting:
            result.conflicting += 1
            head.totals.conflicting += 1
        }
        if result.firstRefusal == nil, let series = head.series[id] {
            let what = refusal == .outOfOrder ? "out of order" : "a different value at the same timestamp"
            result.firstRefusal =
                "sample of \(series.labels) at \(sample.time) is \(what) (newest sample at \(series.lastTime))"
        }
    }
}

/// New series and samples gathered under the head's lock, written as one batch.
private struct PendingWrite {
    var newSeries: [(Int64, [UInt8])] = []
    var record = WALRecord()

    var listeners: [@Sendable ([(Labels, Sample)]) -> Void] = []
    /// Accepted samples with their labels, when there are listeners.
    var accepted: [(Labels, Sample)]?

    /// Tells the listeners of the accepted samples; called under the head's lock, so each
    /// series' order holds.
    func notifyListeners() {
        guard let accepted, !accepted.isEmpty else { return }
        for listener in listeners { listener(accepted) }
    }

    /// The batch for the writer: new series and the write-ahead record, numbered `sequence`.
    func batch(sequence: inout Int64) -> StorageBatch? {
        guard !newSeries.isEmpty || record.count > 0 else { return nil }
        sequence += 1
        let number = sequence
        let newSeries = newSeries
        let record = record
        return StorageBatch(rows: newSeries.count + record.count, mustQueue: true) { db in
            if !newSeries.isEmpty {
                var insert = SQLiteBinder(try db.cachedStatement(sql: "INSERT INTO series (id, labels) VALUES (?, ?)"), in: db)
                for (id, labels) in newSeries {
                    insert.bind(id)
                    insert.bind(labels)
                    try insert.step()
                }
            }
            if record.count > 0 {
                var insert = SQLiteBinder(try db.cachedStatement(sql: "INSERT INTO wal (sequence, record) VALUES (?, ?)"), in: db)
                insert.bind(number)
                insert.bind(record.bytes)
                try insert.step()
            }
        }
    }
}
