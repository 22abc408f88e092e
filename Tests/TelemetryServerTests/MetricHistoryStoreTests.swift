import Foundation
import PromQL
@testable import TelemetryServer
import Testing

@Suite("Metric history store")
struct MetricHistoryStoreTests {
    /// A history on its own database in a fresh directory; `reopen` opens a second history on
    /// the same files, as a restart does.
    final class Store {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)").path
        private(set) var writer: StorageWriter?
        private(set) var history: MetricHistory!

        init(maxSeries: Int = 20_000, retention: Int64 = 0) throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try open(maxSeries: maxSeries, retention: retention)
        }

        func open(maxSeries: Int = 20_000, retention: Int64 = 0) throws {
            let database = try TelemetryDatabase(directory: directory, fileName: "metrics.sqlite", migrator: HistorySchema.migrator)
            let writer = StorageWriter(database: database)
            self.writer = writer
            history = try MetricHistory(database: database, writer: writer, maxSeries: maxSeries, retention: retention)
        }

        /// Stops the writer (what is queued is written, as after `kill -9` what was
        /// acknowledged is) and opens the files again.
        func reopen() throws {
            writer?.stop()
            try open(maxSeries: history.maxSeries, retention: history.retention)
        }

        deinit {
            writer?.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    private func labels(_ name: String, _ id: Int) -> Labels {
        Labels([("__name__", name), ("id", String(id))])
    }

    private func named(_ name: String) -> [LabelMatcher] {
        [LabelMatcher(name: "__name__", kind: .equal, value: name)]
    }

    @Test func roundsMarkVanishedSeriesStale() throws {
        let store = try Store()
        store.history.appendRound([(labels("a", 1), 1), (labels("a", 2), 2)], at: 0)
        store.history.appendRound([(labels("a", 1), 3)], at: 30_000)
        let all = try store.history.select(named("a"), start: 0, end: 100_000)
        #expect(all.map(\.labels) == [labels("a", 1), labels("a", 2)])
        #expect(all[1].samples.count == 2)
        #expect(Sample.isStaleMarker(all[1].samples[1].value), "id=2 missed the second round")
        #expect(store.history.totals.appended == 4)
    }

    @Test func seriesPastTheLimitAreRefusedAndCounted() throws {
        let store = try Store(maxSeries: 2)
        store.history.appendRound((0..<5).map { (labels("b", $0), Double($0)) }, at: 0)
        #expect(store.history.seriesCount == 2)
        #expect(store.history.totals.refusedSeries == 3)
        store.history.appendRound((0..<5).map { (labels("b", $0), Double($0)) }, at: 5_000)
        let held = try store.history.select(named("b"), start: 0, end: 10_000)
        #expect(held.map { $0.samples.count } == [2, 2])
    }

    @Test func outOfOrderAndConflictingSamplesAreRefusedResendsIgnored() async throws {
        let store = try Store()
        let series = labels("c", 1)
        let (first, firstError) = await store.history.append([(series, [Sample(time: 1000, value: 1), Sample(time: 2000, value: 2)])])
        #expect(firstError == nil)
        #expect(first.accepted == 2)
        let (second, _) = await store.history.append([
            (series, [Sample(time: 2000, value: 2), Sample(time: 1500, value: 9), Sample(time: 2000, value: 3),
                Sample(time: 3000, value: 4)])
        ])
        #expect(second == MetricHistory.AppendResult(
            accepted: 1, duplicates: 1, outOfOrder: 1, conflicting: 1, refusedSeries: 0, firstRefusal: second.firstRefusal))
        #expect(second.firstRefusal?.contains("out of order") == true)
        let stored = try store.history.select(named("c"), start: 0, end: 10_000)
        #expect(stored.first?.samples == [Sample(time: 1000, value: 1), Sample(time: 2000, value: 2), Sample(time: 3000, value: 4)])
        #expect(store.history.totals.outOfOrder == 1)
        #expect(store.history.totals.conflicting == 1)
    }

    /// 1,000 samples per series cut chunks by count (120) and by the 2 h boundary; part goes
    /// to disk in a checkpoint, the rest stays in the write-ahead records; a restart rebuilds
    /// the same series, and reads across disk and head return each sample once.
    @Test func acknowledgedSamplesSurviveARestartWithAndWithoutCheckpoint() async throws {
        let store = try Store()
        func batch(_ range: Range<Int>) -> [(labels: Labels, samples: [Sample])] {
            (0..<3).map { id in
                (labels("d", id), range.map { Sample(time: Int64($0) * 15_000, value: Double($0 * (id + 1))) })
            }
        }
        _ = await store.history.append(batch(0..<600))
        try await store.history.checkpoint(now: 0)
        _ = await store.history.append(batch(600..<1000))
        let before = try store.history.select(named("d"), start: 0, end: .max)
        #expect(before.map { $0.samples.count } == [1000, 1000, 1000])
        #expect(store.history.totals.chunksCut >= 3 * (1000 / XORChunk.capacity))

        try store.reopen()
        let after = try store.history.select(named("d"), start: 0, end: .max)
        #expect(after == before)
        // Appends continue after the restart without treating the replayed samples as new.
        let (result, _) = await store.history.append([(labels("d", 0), [Sample(time: 999 * 15_000, value: 999), Sample(time: 1000 * 15_000, value: 1)])])
        #expect(result.accepted == 1)
        #expect(result.duplicates == 1)

        try await store.history.checkpoint(now: 0)
        try store.reopen()
        let window = try store.history.select(named("d"), start: 100 * 15_000, end: 700 * 15_000)
        #expect(window.map { $0.samples.count } == [601, 601, 601])
        #expect(window[1].samples.first == Sample(time: 100 * 15_000, value: 200))
    }

    @Test func retentionDeletesOldChunksAndSeriesThatEnded() async throws {
        let hour: Int64 = 3_600_000
        let store = try Store(retention: 6 * hour)
        // Series 0 ends after 2 h; series 1 goes on for 10 h.
        _ = await store.history.append([
            (labels("e", 0), stride(from: 0, to: 2 * hour, by: 60_000).map { Sample(time: $0, value: 1) }),
            (labels("e", 1), stride(from: 0, to: 10 * hour, by: 60_000).map { Sample(time: $0, value: 1) }),
        ])
        try await store.history.checkpoint(now: 10 * hour)
        #expect(store.history.seriesCount == 1)
        let kept = try store.history.select(named("e"), start: 0, end: .max)
        #expect(kept.map(\.labels) == [labels("e", 1)])
        // Whole chunks go: nothing older than the 2 h window holding the cutoff remains.
        let oldest = try #require(kept.first?.samples.first?.time)
        #expect(oldest >= 4 * hour - MetricHistory.chunkRange && oldest <= 4 * hour)
        try store.reopen()
        #expect(store.history.seriesCount == 1)
        #expect(try store.history.select(named("e"), start: 0, end: .max).first?.samples.first?.time == oldest)
    }

    @Test func matchersUseThePostingsIndex() throws {
        let store = try Store()
        store.history.appendRound(
            (0..<20).map { (Labels([("__name__", "f"), ("id", String($0)), ("even", $0 % 2 == 0 ? "yes" : "")]), 1.0) },
            at: 0)
        let even = try store.history.select(
            [LabelMatcher(name: "__name__", kind: .equal, value: "f"), LabelMatcher(name: "even", kind: .equal, value: "yes")],
            start: 0, end: 0)
        #expect(even.count == 10)
        let odd = try store.history.select(
            [LabelMatcher(name: "__name__", kind: .equal, value: "f"), LabelMatcher(name: "even", kind: .equal, value: "")],
            start: 0, end: 0)
        #expect(odd.count == 10)
        let regex = try store.history.select(
            [LabelMatcher(name: "id", kind: .regexMatch, value: "1.|3")], start: 0, end: 0)
        #expect(regex.map { $0.labels["id"] }.sorted() == ["10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "3"])
    }
}
