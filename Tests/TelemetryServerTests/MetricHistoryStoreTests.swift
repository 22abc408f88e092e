import PromQL
@testable import TelemetryServer
import Testing

@Suite("Metric history store")
struct MetricHistoryStoreTests {
    private func labels(_ name: String, _ id: Int) -> Labels {
        Labels([("__name__", name), ("id", String(id))])
    }

    @Test func roundsMarkVanishedSeriesStaleAndOldSamplesLeave() throws {
        let history = MetricHistory(window: 60_000)
        history.appendRound([(labels("a", 1), 1), (labels("a", 2), 2)], at: 0)
        history.appendRound([(labels("a", 1), 3)], at: 30_000)
        let all = try history.select([LabelMatcher(name: "__name__", kind: .equal, value: "a")], start: 0, end: 100_000)
        #expect(all.map(\.labels) == [labels("a", 1), labels("a", 2)])
        #expect(all[1].samples.count == 2)
        #expect(Sample.isStaleMarker(all[1].samples[1].value), "id=2 missed the second round")
        // 90 s: the samples at 0 leave the 60 s window; id=2's marker at 30 s stays.
        history.appendRound([(labels("a", 1), 4)], at: 90_000)
        let later = try history.select([LabelMatcher(name: "id", kind: .equal, value: "1")], start: 0, end: 100_000)
        #expect(later.first?.samples.map(\.time) == [30_000, 90_000])
        #expect(history.samplesAppended == 4)
    }

    @Test func seriesPastTheLimitAreRefusedAndCounted() throws {
        let history = MetricHistory(window: 60_000, maxSeries: 2)
        history.appendRound((0..<5).map { (labels("b", $0), Double($0)) }, at: 0)
        #expect(history.seriesCount == 2)
        #expect(history.refusedSeries == 3)
        // Series already held keep being appended.
        history.appendRound((0..<5).map { (labels("b", $0), Double($0)) }, at: 5_000)
        let held = try history.select([LabelMatcher(name: "__name__", kind: .equal, value: "b")], start: 0, end: 10_000)
        #expect(held.map { $0.samples.count } == [2, 2])
    }
}
