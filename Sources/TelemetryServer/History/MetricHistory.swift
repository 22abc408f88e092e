import PromQL
import Synchronization
import Telemetry

/// The metric history's head: recent samples of every series, in memory, read by the PromQL
/// engine through `SeriesSource`.
///
/// Appends come from `HistorySampler` (telemetryd's own `/metrics`, sampled every interval). A
/// series absent from a round gets a staleness marker, as a Prometheus scrape writes one.
/// Samples older than `window` are dropped. What is not here yet (the note in
/// `docs/promql.md` says so): compressed chunks on disk, the inverted index, remote write.
final class MetricHistory: SeriesSource, Sendable {
    private struct State {
        var series: [Labels: [Sample]] = [:]
        /// Series that had a sample in the latest round.
        var live: Set<Labels> = []
        var appended = 0
        var refusedSeries = 0
    }

    /// How long samples are kept, in milliseconds.
    let window: Int64
    /// Most series held; samples of further new series are refused and counted, so clients
    /// creating series without end (OTLP metrics) cannot exhaust memory.
    let maxSeries: Int
    private let state = Mutex(State())

    init(window: Int64, maxSeries: Int = 20_000) {
        self.window = window
        self.maxSeries = maxSeries
    }

    /// Samples of new series refused because the history was full.
    var refusedSeries: Int { state.withLock { $0.refusedSeries } }

    /// Series held now.
    var seriesCount: Int { state.withLock { $0.series.count } }

    /// Samples appended since start.
    var samplesAppended: Int { state.withLock { $0.appended } }

    /// Appends one round of samples taken at `time` (milliseconds); series of the previous
    /// round missing from this one are marked stale.
    func appendRound(_ samples: [(labels: Labels, value: Double)], at time: Int64) {
        state.withLock { state in
            var live = Set<Labels>()
            live.reserveCapacity(samples.count)
            for (labels, value) in samples where live.insert(labels).inserted {
                if state.series[labels] == nil, state.series.count >= maxSeries {
                    live.remove(labels)
                    state.refusedSeries += 1
                    continue
                }
                state.series[labels, default: []].append(Sample(time: time, value: value))
            }
            for gone in state.live.subtracting(live) {
                state.series[gone]?.append(Sample(time: time, value: Sample.staleMarker))
            }
            state.appended += live.count
            state.live = live
            let oldest = time - window
            for (labels, kept) in state.series where (kept.first?.time ?? oldest) < oldest {
                let remaining = kept.drop { $0.time < oldest }
                state.series[labels] = remaining.isEmpty ? nil : Array(remaining)
            }
        }
    }

    func select(_ matchers: [LabelMatcher], start: Int64, end: Int64) throws -> [Series] {
        let compiled = try matchers.map(CompiledMatcher.init)
        let snapshot = state.withLock { $0.series }
        var result: [Series] = []
        for (labels, samples) in snapshot where compiled.allSatisfy({ $0.matches(labels[$0.name]) }) {
            let first = samples.firstIndex { $0.time >= start } ?? samples.endIndex
            let last = samples.lastIndex { $0.time <= end } ?? -1
            guard first <= last else { continue }
            result.append(Series(labels: labels, samples: Array(samples[first...last])))
        }
        return result.sorted { $0.labels < $1.labels }
    }

    /// Label sets of the series matching every matcher list in `matchers` (any of them) that
    /// have samples between `start` and `end`.
    func series(matching matchers: [[LabelMatcher]], start: Int64, end: Int64) throws -> [Labels] {
        var found = Set<Labels>()
        for list in matchers {
            for series in try select(list, start: start, end: end) where series.samples.contains(where: { !Sample.isStaleMarker($0.value) }) {
                found.insert(series.labels)
            }
        }
        return found.sorted()
    }
}
